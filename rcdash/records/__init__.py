"""The vocabulary: one declarative spec per record kind (fields, keys, types, labels), used by every layer."""
