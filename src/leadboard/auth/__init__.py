"""Who is asking: passwords (argon2), API tokens, and the request dependencies that check them."""
