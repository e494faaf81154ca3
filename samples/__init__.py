"""The sample-data generator: synthetic cases and the four agencies' exports of them."""
