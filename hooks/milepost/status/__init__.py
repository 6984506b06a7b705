"""Status: what is measured about a project - health, forecasts, the promise ledger, burn-up,
the weeks of recent work. Plain data in, plain data out; no words, no markup."""
