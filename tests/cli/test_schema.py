#!/usr/bin/python3
"""The key tables, seen from outside: `vizgen schema KIND` is a valid draft 2020-12 schema and
matches the committed schema/KIND.schema.json; every spec in data/ validates against its kind's
schema with an independent validator (python3-jsonschema), and specs vizgen rejects for a key
are rejected by the schema too; `vizgen KIND --help` and README's key tables say what the schema
says. `test_schema.py --markdown KIND` prints README's table for a kind (how it is written)."""
import json
import os
import re
import subprocess
import sys

import jsonschema

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COMMON = ["$schema", "figure", "title", "subtitle", "output", "width", "scale", "dpi", "theme",
          "transparent"]


def schema_of(vizgen, kind):
    return json.loads(subprocess.run([vizgen, "schema", kind], check=True, capture_output=True,
                                     text=True).stdout)


def num(v):
    """A bound as people write it: 16777216 rather than 1.67772e+07, 1e+12 past a billion."""
    return "%d" % v if float(v).is_integer() and abs(v) < 1e9 else "%g" % v


def type_text(prop):
    """A short type column for README, from the schema alone."""
    if "const" in prop:
        return "`\"%s\"`" % prop["const"]
    if "enum" in prop:
        return " or ".join("`\"%s\"`" % v for v in prop["enum"])
    t = prop.get("type")
    if "$ref" in prop:
        return "nested arrays of numbers"
    if t == "array":
        item = prop["items"].get("type", "value")
        count = ""
        if "minItems" in prop and "maxItems" in prop:
            count = " (%s–%s)" % (num(prop["minItems"]), num(prop["maxItems"]))
        elif "maxItems" in prop:
            count = " (at most %s)" % num(prop["maxItems"])
        return "array of %ss%s" % ("object" if item == "object" else item, count)
    if t in ("number", "integer"):
        lo = prop.get("minimum", prop.get("exclusiveMinimum"))
        op = ">" if "exclusiveMinimum" in prop else "≥"
        if "maximum" in prop:
            if op == ">":
                return "%s > %s, ≤ %s" % (t, num(lo), num(prop["maximum"]))
            return "%s %s–%s" % (t, num(lo), num(prop["maximum"]))
        return "%s %s %s" % (t, op, num(lo))
    if t == "string" and "pattern" in prop and prop["pattern"].endswith("(in|cm|mm|pt|px)$"):
        return "length: in, cm, mm, pt or px"
    if t == "string" and "maxLength" in prop:
        return "string, ≤ %s characters" % num(prop["maxLength"])
    return t or "value"


def default_text(prop, required):
    if required:
        return "required"
    if "default" not in prop:
        return "none"
    return "`%s`" % json.dumps(prop["default"], ensure_ascii=False)


def rows(schema):
    """(key, type, default, help) for each property, nested object keys as `bars[].label`."""
    out = []
    req = set(schema.get("required", []))
    for name, prop in schema["properties"].items():
        out.append((name, type_text(prop), default_text(prop, name in req), prop["description"]))
        if prop.get("type") == "array" and prop["items"].get("type") == "object":
            inner = prop["items"]
            ireq = set(inner.get("required", []))
            for iname, iprop in inner["properties"].items():
                out.append(("%s[].%s" % (name, iname), type_text(iprop),
                            default_text(iprop, iname in ireq), iprop["description"]))
    return out


def markdown(schemas, keys):
    """README's table of keys from the schemas of every kind that has them: where kinds differ
    (the figure kind, the default title), the cell says "per kind"."""
    lines = ["| key | type | default | meaning |", "|---|---|---|---|"]
    per_key = {}
    for schema in schemas:
        for row in rows(schema):
            per_key.setdefault(row[0], []).append(row)
    for name, versions in per_key.items():
        if name.split("[")[0] not in keys:
            continue
        _, typ, dflt, helptext = versions[0]
        if any(v[1] != typ for v in versions):
            typ = "per kind"
        if any(v[2] != dflt for v in versions):
            dflt = "per kind"
        lines.append("| `%s` | %s | %s | %s |" % (name, typ, dflt, helptext.replace("|", "\\|")))
    return "\n".join(lines)


def readme_table(readme, heading):
    """The first table after a heading line that starts with `heading`."""
    at = readme.find("\n" + heading)
    if at < 0:
        return None
    m = re.search(r"\n(\| key \|.*?)\n\n", readme[at:] + "\n\n", re.S)
    return m.group(1) if m else None


def main():
    vizgen = sys.argv[1]
    kinds = [line.split()[0] for line in subprocess.run(
        [vizgen, "list"], check=True, capture_output=True, text=True).stdout.splitlines()]
    if len(sys.argv) == 4 and sys.argv[2] == "--markdown":
        if sys.argv[3] == "common":
            print(markdown([schema_of(vizgen, k) for k in kinds], COMMON))
        else:
            schema = schema_of(vizgen, sys.argv[3])
            print(markdown([schema], [k for k in schema["properties"] if k not in COMMON]))
        return 0
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL", what)

    schemas = {}
    for kind in kinds:
        schema = schemas[kind] = schema_of(vizgen, kind)
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
            check(True, "")
        except jsonschema.SchemaError as e:
            check(False, "%s: not a valid 2020-12 schema: %s" % (kind, e.message))
        path = os.path.join(ROOT, "schema", kind + ".schema.json")
        committed = json.load(open(path, encoding="utf-8")) if os.path.exists(path) else None
        check(committed == schema, "schema/%s.schema.json differs from 'vizgen schema %s'"
              % (kind, kind))
        helptext = subprocess.run([vizgen, kind, "--help"], check=True, capture_output=True,
                                  text=True).stdout
        for name, _, dflt, desc in rows(schema):
            label = name.split("[].")[-1] if "[]." in name else name
            indent = "    ." if "[]." in name else "  "
            m = re.search(r"^%s%s +(.*)\n +(.*)$" % (re.escape(indent), re.escape(label)),
                          helptext, re.M)
            check(m is not None and m.group(2).strip() == desc,
                  "%s --help: %s is missing or its help differs" % (kind, name))
            if m and dflt not in ("none",):
                want = "required" if dflt == "required" else "default " + dflt.strip("`")
                check(m.group(1).endswith(want), "%s --help: %s should say %s" % (kind, name, want))
        own = [k for k in schema["properties"] if k not in COMMON]
        check(readme_table(readme, "### `%s`" % kind) == markdown([schema], own),
              "README's table for %s differs from its schema; print it with: %s %s --markdown %s"
              % (kind, sys.argv[0], vizgen, kind))
    check(readme_table(readme, "Every spec is a JSON object") ==
          markdown([schemas[k] for k in kinds], COMMON),
          "README's table of shared keys differs from the schema; print it with: %s %s "
          "--markdown common" % (sys.argv[0], vizgen))

    # Every default spec is valid for an editor as it is for vizgen.
    for name in sorted(os.listdir(os.path.join(ROOT, "data"))):
        if not name.endswith(".json"):
            continue
        spec = json.load(open(os.path.join(ROOT, "data", name), encoding="utf-8"))
        if "figure" not in spec:
            continue
        errors = list(jsonschema.Draft202012Validator(schemas[spec["figure"]]).iter_errors(spec))
        check(not errors, "data/%s: %s" % (name, errors[0].message if errors else ""))

    # And the schema is not vacuous: specs vizgen rejects for a key's type, range, name or
    # count are invalid for it too.
    for bad in ["bar_value_string", "bar_value_zero", "bars_10000", "bar_unknown_key",
                "unknown_key_typo", "theme_unknown", "letters_cap_negative", "title_1mb",
                "heatmap_bad_colormap", "heatmap_weight_string", "decimals_too_many"]:
        spec = json.load(open(os.path.join(ROOT, "tests", "bad", bad + ".json"), encoding="utf-8"))
        schema = schemas[spec.get("figure", "model-compression")]
        check(not jsonschema.Draft202012Validator(schema).is_valid(spec),
              "tests/bad/%s.json passes the schema" % bad)
    print("schema: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
