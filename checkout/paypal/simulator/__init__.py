"""The PayPal simulator (dev and tests only; production settings refuse PAYPAL_MODE=simulator)."""
