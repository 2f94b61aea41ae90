"""Pages of money: aid items and standards, fund accounts."""
