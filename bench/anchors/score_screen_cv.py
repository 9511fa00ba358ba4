#!/usr/bin/env python3
"""Screens ideas for leadrouter's scorer that bench/score_tune cannot try without building them
first, by 5-fold cross-validation inside the TRAINING part of the anchors' split only (80/20
stratified, seed 42, as scoring_anchor.py; the held-out leads are never read). The base is
leadrouter's default model (one-hot with rare values under 20 grouped, 500 trees of depth 3,
eta 0.03, min_child_weight 3, subsample and colsample_bytree 0.8), through Debian's python3-xgboost.
An idea worth building moves the mean CV AUC by 0.001 or more (docs/scoring.md).

  /usr/bin/python3 score_screen_cv.py LEADS_CSV [blend|seeds|missing|structure ...]

blend:     an L2 logistic regression on one-hot features blended with XGBoost in log-odds
seeds:     the average of 3 or 5 XGBoost models trained with different seeds
missing:   a missing category as NaN in all its one-hot columns (leadrouter) or as its own column
structure: exact splits, more or fewer histogram bins, leaf-wise growth
dart:      DART (dropout between trees); slow, so not among the screens run by default
monotone:  the score only rising with time on site (and visits), or each number constrained in
           the direction of its rank correlation with the outcome on the training fold"""
import ast
import os
import sys
import numpy as np, pandas as pd
from sklearn.model_selection import train_test_split, StratifiedKFold
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import OneHotEncoder, StandardScaler, FunctionTransformer
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import make_pipeline
from sklearn.impute import SimpleImputer
from sklearn.metrics import roc_auc_score
import xgboost as xgb
from scipy.stats import spearmanr


def anchor_lists():
    """The anchors' left-out and numeric columns, read from scoring_anchor.py (copied unchanged
    from the anchors), so that the screen uses exactly their columns."""
    tree = ast.parse(open(os.path.join(os.path.dirname(__file__), 'scoring_anchor.py')).read())
    lists = {node.targets[0].id: ast.literal_eval(node.value) for node in tree.body
             if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
             and node.targets[0].id in ('drop', 'num')}
    return lists['drop'], lists['num']


DROP, NUM = anchor_lists()
df = pd.read_csv(sys.argv[1]).replace('Select', np.nan)
y = df['Converted'].astype(int).values
X = df.drop(columns=DROP)
CAT = [c for c in X.columns if c not in NUM]
Xtr, _, ytr, _ = train_test_split(X, y, test_size=0.2, stratify=y, random_state=42)
Xtr = Xtr.reset_index(drop=True)
Xfilled = Xtr.copy()
Xfilled[CAT] = Xfilled[CAT].fillna('missing').astype(str)
BASE = dict(n_estimators=500, max_depth=3, learning_rate=0.03, subsample=0.8, colsample_bytree=0.8,
            min_child_weight=3, random_state=42, n_jobs=1, tree_method='hist')


def folds(seed=0):
    return StratifiedKFold(5, shuffle=True, random_state=seed).split(Xtr, ytr)


def one_hot(tr, te):
    enc = OneHotEncoder(handle_unknown='infrequent_if_exist', min_frequency=20, sparse_output=False)
    enc.fit(Xfilled.iloc[tr][CAT])
    return [np.hstack([Xfilled.iloc[rows][NUM].values, enc.transform(Xfilled.iloc[rows][CAT])])
            for rows in (tr, te)]


def logit(p):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return np.log(p / (1 - p))


def report(res):
    for name, aucs in res.items():
        print(f'  {name:45s} CV AUC {np.mean(aucs):.4f}', flush=True)


def blend():
    def lr(C, log):
        steps = [SimpleImputer(strategy='median', add_indicator=True), StandardScaler()]
        if log:
            steps.insert(0, FunctionTransformer(np.log1p))
        pre = ColumnTransformer([('num', make_pipeline(*steps), NUM), (
            'cat', OneHotEncoder(handle_unknown='infrequent_if_exist', min_frequency=20,
                                 sparse_output=False), CAT)])
        return make_pipeline(pre, LogisticRegression(max_iter=5000, C=C))
    res = {}
    for tr, te in folds():
        a, b = one_hot(tr, te)
        px = xgb.XGBClassifier(**BASE).fit(a, ytr[tr]).predict_proba(b)[:, 1]
        res.setdefault('xgboost', []).append(roc_auc_score(ytr[te], px))
        for C in (0.1, 1.0):
            for log in (False, True):
                pl = lr(C, log).fit(Xfilled.iloc[tr], ytr[tr]).predict_proba(Xfilled.iloc[te])[:, 1]
                res.setdefault(f'logistic C={C} log1p={log}', []).append(roc_auc_score(ytr[te], pl))
                for w in (0.1, 0.2, 0.3, 0.5):
                    res.setdefault(f'blend {w} logistic C={C} log1p={log}', []).append(
                        roc_auc_score(ytr[te], (1 - w) * logit(px) + w * logit(pl)))
    report(res)


def seeds():
    res = {}
    for repeat in (0, 1):
        for tr, te in folds(repeat):
            a, b = one_hot(tr, te)
            margins = []
            for seed in range(5):
                m = xgb.XGBClassifier(**{**BASE, 'random_state': seed}).fit(a, ytr[tr])
                margins.append(m.predict(b, output_margin=True))
                res.setdefault(f'one model, seed {seed}', []).append(roc_auc_score(ytr[te], margins[-1]))
            for k in (3, 5):
                res.setdefault(f'average of {k} seeds', []).append(
                    roc_auc_score(ytr[te], np.mean(margins[:k], axis=0)))
    report(res)


def missing():
    def encode(tr, te, mode):
        out = [[Xtr.iloc[rows][NUM].values.astype(float)] for rows in (tr, te)]
        for c in CAT:
            counts = Xtr.iloc[tr][c].value_counts()
            kept = list(counts[counts >= 20].index)
            for rows, o in zip((tr, te), out):
                v = Xtr.iloc[rows][c]
                m = np.zeros((len(v), len(kept) + 1 + (mode == 'column')))
                for j, k in enumerate(kept):
                    m[:, j] = (v == k).values
                absent = v.isna().values
                m[:, len(kept)] = ~absent & ~v.isin(kept).values
                if mode == 'NaN':
                    m[absent, :] = np.nan
                else:
                    m[:, -1] = absent
                o.append(m)
        return [np.hstack(o) for o in out]
    res = {}
    for tr, te in folds():
        for mode in ('NaN', 'column'):
            a, b = encode(tr, te, mode)
            for seed in (42, 43):
                m = xgb.XGBClassifier(**{**BASE, 'random_state': seed}).fit(a, ytr[tr])
                res.setdefault(f'missing as {mode}, seed {seed}', []).append(
                    roc_auc_score(ytr[te], m.predict_proba(b)[:, 1]))
    report(res)


def compare(candidates):
    """Each candidate's changes to BASE, on the same one-hot folds."""
    res = {}
    for tr, te in folds():
        a, b = one_hot(tr, te)
        for name, change in candidates.items():
            m = xgb.XGBClassifier(**{**BASE, **change}).fit(a, ytr[tr])
            res.setdefault(name, []).append(roc_auc_score(ytr[te], m.predict_proba(b)[:, 1]))
    report(res)


def structure():
    compare({'base': {}, 'exact splits': dict(tree_method='exact'),
             'max_bin 1024': dict(max_bin=1024), 'max_bin 64': dict(max_bin=64),
             'leaf-wise, 8 leaves': dict(grow_policy='lossguide', max_leaves=8, max_depth=0)})


def dart():
    # Slow: every round re-predicts the dropped trees (more than 20 minutes on the 2-core machine).
    compare({'base': {}, 'DART rate_drop 0.1': dict(booster='dart', rate_drop=0.1)})


def monotone():
    res = {}
    for repeat in (0, 1):
        for tr, te in folds(repeat):
            a, b = one_hot(tr, te)
            signs = []  # NUM's order: visits, time on site, page views per visit
            for j in range(len(NUM)):
                known = ~np.isnan(a[:, j])
                rho = spearmanr(a[known, j], ytr[tr][known]).correlation
                signs.append(int(np.sign(rho)) if abs(rho) > 0.05 else 0)
            for name, directions in (('base', None), ('time on site rises', [0, 1, 0]),
                                     ('time on site and visits rise', [1, 1, 0]),
                                     ('each number by its correlation', signs)):
                extra = {} if directions is None else {'monotone_constraints': '(' + ','.join(
                    map(str, directions + [0] * (a.shape[1] - len(NUM)))) + ')'}
                m = xgb.XGBClassifier(**{**BASE, **extra}).fit(a, ytr[tr])
                res.setdefault(name, []).append(roc_auc_score(ytr[te], m.predict_proba(b)[:, 1]))
    report(res)


SCREENS = {'blend': blend, 'seeds': seeds, 'missing': missing, 'structure': structure,
           'monotone': monotone, 'dart': dart}
for name in sys.argv[2:] or [s for s in SCREENS if s != 'dart']:
    print(f'{name}:', flush=True)
    SCREENS[name]()
