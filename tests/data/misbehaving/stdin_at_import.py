"""Asks for input while being imported."""

name = input("your name? ")
