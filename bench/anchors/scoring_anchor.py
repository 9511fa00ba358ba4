#!/usr/bin/env python3
# Copied unchanged (but for this line) from ../shared/anchors/scoring_anchor.py, the anchors of issue #12;
# `make bench` runs it beside bench/score_bench.cc (docs/performance.md, "Lead scoring").
"""Lead-scoring anchors on the public X Education leads: scikit-learn logistic regression,
HistGradientBoosting and XGBoost, with only the columns known when a lead arrives (no Tags, Lead
Quality, Lead Profile, Last Activity, Last Notable Activity, Asymmetrique scores, Lead Number),
80/20 stratified split, seed 42. Usage: /usr/bin/python3 scoring_anchor.py LEADS_CSV (Debian: python3-sklearn python3-pandas python3-xgboost)"""
import sys
import numpy as np, pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.linear_model import LogisticRegression
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import make_pipeline
from sklearn.impute import SimpleImputer
from sklearn.metrics import roc_auc_score, log_loss

df = pd.read_csv(sys.argv[1]).replace('Select', np.nan)
y = df['Converted'].astype(int).values
drop = ['Prospect ID', 'Lead Number', 'Converted', 'Tags', 'Lead Quality', 'Lead Profile', 'Last Activity',
        'Last Notable Activity', 'Asymmetrique Activity Index', 'Asymmetrique Profile Index',
        'Asymmetrique Activity Score', 'Asymmetrique Profile Score']
X = df.drop(columns=drop)
num = ['TotalVisits', 'Total Time Spent on Website', 'Page Views Per Visit']
cat = [c for c in X.columns if c not in num]
X[cat] = X[cat].fillna('missing').astype(str)
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, stratify=y, random_state=42)
pre = ColumnTransformer([
    ('num', make_pipeline(SimpleImputer(strategy='median', add_indicator=True), StandardScaler()), num),
    ('cat', OneHotEncoder(handle_unknown='infrequent_if_exist', min_frequency=10, sparse_output=False), cat)])
models = {
    'logistic regression (C=1)': make_pipeline(pre, LogisticRegression(max_iter=5000, C=1.0)),
    'hist gradient boosting': make_pipeline(pre, HistGradientBoostingClassifier(random_state=42)),
}
try:
    import xgboost as xgb
    models['xgboost (300 trees, depth 4, eta 0.05)'] = make_pipeline(
        pre, xgb.XGBClassifier(n_estimators=300, max_depth=4, learning_rate=0.05, subsample=0.8,
                               colsample_bytree=0.8, random_state=42, n_jobs=2, eval_metric='logloss'))
except ImportError:
    pass
print(f'columns used: {len(num)} numeric, {len(cat)} categorical; train {len(ytr)}, test {len(yte)}')
for name, m in models.items():
    m.fit(Xtr, ytr)
    p = m.predict_proba(Xte)[:, 1]
    print(f'{name}: held-out ROC AUC {roc_auc_score(yte, p):.4f}, log loss {log_loss(yte, p):.4f}')
