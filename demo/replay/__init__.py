"""Local HTTP servers that speak the sources' APIs: the demo's replay server and the tests' fake servers.

:mod:`.server` is the HTTP machinery (127.0.0.1, an OS-chosen port, fault injection); each API module
(:mod:`.reddit`, :mod:`.appstore`, :mod:`.googleplay`, :mod:`.hackernews`) mounts that API's routes over a
dataset of items. The real clients (PRAW, requests, google-play-scraper) talk to them over HTTP.
"""
