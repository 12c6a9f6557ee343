"""Builders for the inputs tests write: news pages, RSS and Atom feeds, WARC archives.
The stories are the project's own sentences about invented events."""
from __future__ import annotations

import io
from html import escape
from pathlib import Path

STORIES = {
    "nairobi": ("Police detain opposition supporters in Nairobi",
                ["Kenyan police arrested twelve opposition supporters in Nairobi on Saturday after a rally turned violent.",
                 "A police spokesman said the twelve would appear in court on Monday."]),
    "sanctions": ("EU widens sanctions on Minsk",
                  ["The European Union imposed new sanctions on Belarus on Monday.",
                   "The measures target officials accused of rigging local elections."]),
    "diplomats": ("Islamabad expels two envoys",
                  ["Pakistan expelled two Afghan diplomats on Wednesday.",
                   "The foreign ministry gave no reason for the decision."]),
    "borno": ("Army reports clash in the northeast",
              ["Nigerian soldiers killed ten militants in Borno state on Tuesday, the army said.",
               "Two soldiers were wounded in the fighting near the border."]),
    "defence": ("Paris and Berlin sign defence pact",
                ["France and Germany signed a defence cooperation agreement in Paris on Monday.",
                 "The agreement covers joint training and procurement."]),
    "call": ("Leaders speak by phone",
             ["Turkish President Recep Tayyip Erdogan telephoned Ukrainian President Volodymyr Zelensky on Friday.",
              "They discussed grain exports and a possible prisoner exchange."]),
}
FRENCH = ("Le gouvernement annonce des mesures",
          ["Le gouvernement a annoncé mardi une série de mesures pour soutenir les agriculteurs touchés par la sécheresse.",
           "Les syndicats ont salué ces annonces mais réclament davantage d'aides directes."])


def page(title: str, paragraphs: list[str], date: str | None = None, author: str | None = None,
         url: str | None = None, charset: str = "utf-8") -> str:
    """A news page with navigation, a byline, the article and a footer, as sites serve them."""
    meta = [f'<meta charset="{charset}">', f"<title>{escape(title)} | The Example Courier</title>",
            f'<meta property="og:title" content="{escape(title)}">']
    if date:
        meta.append(f'<meta property="article:published_time" content="{date}">')
    if author:
        meta.append(f'<meta name="author" content="{escape(author)}">')
    if url:
        meta.append(f'<link rel="canonical" href="{escape(url)}">')
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    byline = f'<p class="byline">By {escape(author)}</p>' if author else ""
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head>{''.join(meta)}</head><body>\n"
            '<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>\n'
            f"<main><article><h1>{escape(title)}</h1>{byline}\n{body}\n</article></main>\n"
            "<aside>Most read: Ten recipes for summer</aside>\n"
            "<footer>Copyright 2020 The Example Courier. Subscribe to our newsletter.</footer>\n"
            "</body></html>\n")


def story_page(key: str, **kw) -> str:
    title, paragraphs = STORIES[key]
    return page(title, paragraphs, **kw)


def rss(items: list[dict], title: str = "Example Courier: World") -> str:
    """RSS 2.0; each item dict: title, link, date (RFC 822), description, guid."""
    entries = "".join(
        "<item>" + "".join(f"<{tag}>{escape(item[key])}</{tag}>"
                           for key, tag in (("title", "title"), ("link", "link"), ("guid", "guid"),
                                            ("date", "pubDate"), ("description", "description"))
                           if item.get(key)) + "</item>\n"
        for item in items)
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>{escape(title)}</title>'
            f"<link>http://127.0.0.1/</link><description>World news</description>\n{entries}</channel></rss>\n")


def atom(items: list[dict], title: str = "Example Courier: Atom") -> str:
    """Atom 1.0; each item dict: title, link, date (ISO), summary, id."""
    entries = "".join(
        f"<entry><title>{escape(item['title'])}</title><link href=\"{escape(item['link'])}\"/>"
        f"<id>{escape(item.get('id') or item['link'])}</id><updated>{item.get('date', '2023-05-04T08:00:00Z')}</updated>"
        + (f"<summary>{escape(item['summary'])}</summary>" if item.get("summary") else "") + "</entry>\n"
        for item in items)
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{escape(title)}</title><id>urn:example:atom</id><updated>2023-05-04T08:00:00Z</updated>\n"
            f"{entries}</feed>\n")


def write_warc(path: Path, records: list[dict], gzip: bool = True) -> None:
    """A WARC written with warcio; each dict: url, body (bytes/str), and optionally type
    (response|request), status, content_type, date."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gzip)
        for rec in records:
            body = rec.get("body", b"")
            body = body.encode("utf-8") if isinstance(body, str) else body
            kind = rec.get("type", "response")
            warc_headers = {"WARC-Date": rec.get("date", "2023-05-04T09:30:00Z")}
            http = None
            if kind == "response":
                http = StatusAndHeaders(f"{rec.get('status', 200)} OK",
                                        [("Content-Type", rec.get("content_type", "text/html; charset=utf-8"))],
                                        protocol="HTTP/1.1")
            elif kind == "request":
                http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "127.0.0.1")], is_http_request=True)
            record = writer.create_warc_record(rec["url"], kind, payload=io.BytesIO(body), http_headers=http,
                                               warc_headers_dict=warc_headers)
            writer.write_record(record)
