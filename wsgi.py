from capindustrie import create_app

app = create_app()
