# Survey responses, KPI snapshots, custom KPIs, follow-up cases and business cases arrive with the
# voice-of-the-customer issue.
