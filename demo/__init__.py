"""The demo street, its logins and its orders (``manage.py load_demo``). On top of every
app: it builds through their public services and may import any of them."""
