"""Classify every reply relative to what it answers: agreement, rebuttal, moderation,
off-topic — with a confidence and the reasons."""

from discourse.classify.model import DEFAULT_MODEL, Classifier, Prediction, thread_pairs

__all__ = ["DEFAULT_MODEL", "Classifier", "Prediction", "thread_pairs"]
