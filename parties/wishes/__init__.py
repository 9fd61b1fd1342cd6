"""Micro-wishes (先锋圆梦微心愿): lifecycle, writer, reads. See docs/party.md."""
