"""Open Badges 3.0 credentials for the training passport: what can be issued (build.py), the keys
that sign them (keys.py), the issuer the world resolves (issuer.py), the revocation list
(status.py) and the check anyone can make of a credential (verify.py). See docs/training.md."""
