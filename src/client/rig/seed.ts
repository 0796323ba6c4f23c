/** Schemas and seed data of the rig's databases: `trading` (TimescaleDB stand-in) and `mlflow`. */
export const TRADING_SCHEMA = `
CREATE TABLE bars (ts timestamptz NOT NULL, symbol text NOT NULL, open float8, high float8, low float8, close float8, volume float8);
CREATE INDEX bars_symbol_ts ON bars (symbol, ts);
CREATE TABLE features (ts timestamptz NOT NULL, symbol text NOT NULL, name text NOT NULL, value float8);
CREATE INDEX features_name_ts ON features (name, ts);
CREATE TABLE trades (id bigserial PRIMARY KEY, ts timestamptz NOT NULL, bot text NOT NULL, symbol text NOT NULL,
  side text NOT NULL CHECK (side IN ('buy', 'sell')), qty float8 NOT NULL, price float8 NOT NULL, pnl float8);
CREATE TABLE drift_reports (id bigserial PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(), feature text NOT NULL,
  psi float8 NOT NULL, reference_window text NOT NULL, recent_window text NOT NULL);
`;

/** 30 days of hourly BTCUSDT bars (RefStrat_01's timeframe), their EMA/ATR features, trades, and a fresh drift report. */
export const TRADING_SEED = `
INSERT INTO bars
SELECT ts, 'BTCUSDT', p, p * 1.004, p * 0.996, p * (1 + 0.001 * sin(i)), 100 + 50 * cos(i / 7.0)
FROM (SELECT now() - make_interval(hours => 720 - i) AS ts, i, 60000 + 2000 * sin(i / 24.0) AS p
      FROM generate_series(1, 720) AS i) s;
INSERT INTO features
SELECT ts, symbol, n.name, CASE n.name WHEN 'ema_fast' THEN close * 1.001 WHEN 'ema_slow' THEN close * 0.999 ELSE close * 0.008 END
FROM bars CROSS JOIN (VALUES ('ema_fast'), ('ema_slow'), ('atr')) AS n(name);
INSERT INTO trades (ts, bot, symbol, side, qty, price, pnl)
SELECT now() - make_interval(hours => 720 - i * 3), CASE WHEN i % 2 = 0 THEN 'bot_paper' ELSE 'bot_live' END, 'BTCUSDT',
       CASE WHEN i % 4 < 2 THEN 'buy' ELSE 'sell' END, 0.01, 60000 + i, (i % 7) - 3
FROM generate_series(1, 200) AS i;
INSERT INTO drift_reports (created_at, feature, psi, reference_window, recent_window)
VALUES (now(), 'ema_fast', 0.03, '30d', '1d'), (now(), 'ema_slow', 0.04, '30d', '1d'), (now(), 'atr', 0.06, '30d', '1d');
`;

/** A small MLflow-shaped schema: a retrain run is a run tagged atc.retrain=true; approval is the tag atc.approved_by. */
export const MLFLOW_SCHEMA = `
CREATE TABLE experiments (experiment_id serial PRIMARY KEY, name text UNIQUE NOT NULL, lifecycle_stage text NOT NULL DEFAULT 'active');
CREATE TABLE runs (run_uuid text PRIMARY KEY, experiment_id int REFERENCES experiments, name text, status text NOT NULL,
  start_time bigint NOT NULL, end_time bigint, lifecycle_stage text NOT NULL DEFAULT 'active');
CREATE TABLE tags (run_uuid text REFERENCES runs, key text NOT NULL, value text, PRIMARY KEY (run_uuid, key));
CREATE TABLE metrics (run_uuid text REFERENCES runs, key text NOT NULL, value float8 NOT NULL, timestamp bigint NOT NULL, step bigint NOT NULL DEFAULT 0);
INSERT INTO experiments (name) VALUES ('RefStrat_01'), ('drift-retrain');
INSERT INTO runs VALUES ('r-0001', 1, 'refstrat-baseline', 'FINISHED', 1700000000000, 1700000600000, 'active'),
                        ('r-0002', 2, 'retrain-weekly', 'FINISHED', 1700100000000, 1700100900000, 'active');
INSERT INTO tags VALUES ('r-0002', 'atc.retrain', 'true'), ('r-0002', 'atc.approved_by', 'alice');
INSERT INTO metrics VALUES ('r-0001', 'sharpe', 1.4, 1700000600000, 0), ('r-0002', 'val_loss', 0.12, 1700100900000, 0);
`;
