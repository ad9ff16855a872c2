"""ACMG/AMP criteria, one small module per criterion group."""
