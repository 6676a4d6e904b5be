"""What the two HTTP adapters share (the JSON API in api/ and the portal in web/): request
parameters, the request's database session, error statuses and file downloads. Neither adapter
imports the other; both import this."""
