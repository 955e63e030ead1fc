"""Sign-in, two-factor authentication, step-up and the school's users and roles."""
