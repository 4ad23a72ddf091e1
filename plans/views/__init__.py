"""HTML views of plans (plan.py, editor.py, playbooks.py)."""
