"""The catalog as code: loading products, capabilities, rules and prices; pricing a line; the view."""
