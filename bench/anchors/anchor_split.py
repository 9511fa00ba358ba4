#!/usr/bin/env python3
"""The held-out leads of scoring_anchor.py's split (80/20 stratified, seed 42, scikit-learn's
train_test_split), one Prospect ID a line, so that bench/score_bench.cc can also measure
leadrouter's model on exactly the leads the anchors were measured on.
Usage: /usr/bin/python3 anchor_split.py LEADS_CSV (Debian: python3-sklearn python3-pandas)"""
import sys
import pandas as pd
from sklearn.model_selection import train_test_split

df = pd.read_csv(sys.argv[1])
y = df['Converted'].astype(int).values
_, test = train_test_split(df['Prospect ID'], test_size=0.2, stratify=y, random_state=42)
print('\n'.join(test))
