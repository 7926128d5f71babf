#!/usr/bin/python3
"""Writes the seed corpora fuzz/corpus/<target>/: the test fixtures, the
default rule files, and hostile documents (entity expansion, deep nesting,
smuggled line breaks, invalid UTF-8, markup in text). Run again after
changing a fixture; libFuzzer adds its own finds to a separate directory."""

import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
FIXTURES = os.path.join(REPO, "tests", "data", "fixtures")
DEPTH = 5000  # Deep enough to smash a recursive walk, small enough to mutate.

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY ext SYSTEM "file:///etc/passwd">
]>
"""

HOSTILE_TITLE = ("CELEX:32024L0001: Water &#13;&#10;Bcc: victim@example.org"
                 "&#x0D;&#x0A;&#x85;&#x2028; &lt;script&gt;alert(1)&lt;/script&gt;"
                 " =?UTF-8?B?DQpCY2M6IHhAeS56?= &#x202E;evil&#xFEFF; &#0; &#xD800;"
                 " \"quoted\" 'single' &amp;amp; \xff\xfe\xc0\xaf")


def rss(items, doctype=""):
    body = "".join(
        f"<item><title>{t}</title><link>{l}</link><guid>{g}</guid>"
        f"<description>{d}</description><pubDate>Fri, 05 Jul 2024 00:00:00 "
        "+0200</pubDate><dc:creator>Council,</dc:creator></item>"
        for t, l, g, d in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}'
            '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<channel><title>Acts</title><link>https://eur-lex.europa.eu/"
            f"</link>{body}</channel></rss>\n")


def sparql(title, extra=""):
    return ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/'
            'sparql-results#"><head><variable name="celex"/></head><results>'
            '<result><binding name="work"><uri>http://publications.europa.eu/'
            'resource/cellar/1</uri></binding><binding name="celex"><literal>'
            '32024L0001</literal></binding><binding name="date"><literal>'
            '2024-07-15</literal></binding><binding name="type"><uri>http://'
            'publications.europa.eu/resource/authority/resource-type/DIR</uri>'
            '</binding><binding name="eea"><literal>true</literal></binding>'
            f'<binding name="title"><literal xml:lang="en">{title}</literal>'
            f'</binding><binding name="eurovoc"><literal>water | {title}'
            f'</literal></binding>{extra}</result></results></sparql>\n')


def feed_seeds():
    link = "https://eur-lex.europa.eu/legal-content/AUTO/?uri=CELEX:32024L0001"
    deep = "<b>" * DEPTH + "x" + "</b>" * DEPTH
    return {
        "hostile-title.rss": rss([(HOSTILE_TITLE, link, "=?UTF-8?Q?a=0D=0A?=",
                                   "<![CDATA[<p>Drinking <b>water</b> &amp; "
                                   "<script>x()</script><a href=\"javascript:x\">"
                                   "public procurement</a>]]>")]),
        "billion-laughs.rss": rss([("&lol9;", link, "g", "&ext;")],
                                  BILLION_LAUGHS.split("\n", 1)[1]),
        "deep-nesting.rss": rss([("t", link, "g", deep)]),
        "deep-unclosed.rss": rss([]).replace("</channel>", "<a>" * DEPTH),
        "atom.xml": ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/'
                     'Atom"><title>EEA</title><link href="https://www.eea.europa.eu/"/>'
                     '<entry><title type="html">Water &amp;lt;b&amp;gt;</title>'
                     '<link href="/en/newsroom/x"/><id>urn:x</id><updated>'
                     '2024-07-05T10:00:00Z</updated><summary type="xhtml"><div '
                     'xmlns="http://www.w3.org/1999/xhtml">climate <i>emissions'
                     '</i></div></summary><author><name>EEA</name></author>'
                     '</entry></feed>\n'),
        "rdf.xml": ('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/'
                    '1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" '
                    'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel '
                    'rdf:about="https://x.eu/"><title>C</title></channel><item '
                    f'rdf:about="{link}"><title>Wastewater</title><link>{link}'
                    '</link><dc:date>2024-07-05</dc:date><dc:language>nb-NO'
                    '</dc:language></item></rdf:RDF>\n'),
        "html-page.html": "<!DOCTYPE html><html><body>Please enable JavaScript",
    }


def sparql_seeds():
    deep = "<x>" * DEPTH + "</x>" * DEPTH
    return {
        "hostile-literal.xml": sparql(HOSTILE_TITLE),
        "billion-laughs.xml": BILLION_LAUGHS + sparql("&lol9;").split("\n", 1)[1],
        "deep-nesting.xml": sparql("t", deep),
        "empty-results.xml": sparql("t").split("<results>")[0] +
                             "<results/></sparql>\n",
    }


def rules_seeds():
    rule = ('[[rule]]\nid = "r"\ntopic = "water"\nagencies = ["vav"]\n'
            'query = \'{}\'\n')
    return {
        "deep-parentheses.toml": rule.format("(" * DEPTH + "water" + ")" * DEPTH),
        "deep-not.toml": rule.format("NOT " * DEPTH + "water AND sea"),
        "deep-field.toml": rule.format("title:" * DEPTH + "water"),
        "deep-array.toml": "a = " + "[" * DEPTH + "]" * DEPTH + "\n",
        "deep-table.toml": "a = " + "{b = " * DEPTH + "1" + "}" * DEPTH + "\n",
        "near-and-fields.toml": rule.format(
            'title:("drinking water" NEAR/3 quality) OR celex:3202* AND '
            'eea:true AND NOT type:corrigendum AND lang:nb'),
        "bad-utf8.toml": '[[rule]]\nid = "\xff\xfe"\ntopic = "\xc0\xaf"\n',
        "escapes.toml": '[[rule]]\nid = "r\\u0000"\ntopic = "water"\n'
                        'agencies = ["vav"]\nany = ["\\r\\nBcc: x", "\\uD800"]\n',
    }


def write(target, name, text):
    path = os.path.join(HERE, "corpus", target, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = text.encode("latin-1") if isinstance(text, str) and "\xff" in text \
        else text.encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)


def copy(target, src):
    dst = os.path.join(HERE, "corpus", target, os.path.basename(src))
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copyfile(src, dst)
    os.chmod(dst, 0o644)


def main():
    for name in os.listdir(FIXTURES):
        src = os.path.join(FIXTURES, name)
        if name.endswith(".rss"):
            copy("feed_render_fuzzer", src)
        elif name.startswith("cellar"):
            copy("sparql_fuzzer", src)
    for name in sorted(os.listdir(os.path.join(REPO, "rules"))):
        if name.endswith(".toml"):
            copy("rules_fuzzer", os.path.join(REPO, "rules", name))
    for target, seeds in (("feed_render_fuzzer", feed_seeds()),
                          ("sparql_fuzzer", sparql_seeds()),
                          ("rules_fuzzer", rules_seeds())):
        for name, text in seeds.items():
            write(target, name, text)


if __name__ == "__main__":
    main()
