"""Browser pages of the accounts app: ``portal`` (sign-in, home, regions, preferences), ``manage`` (account
administration, import, anomalies, audit trail) and ``otp`` (the second factor)."""
