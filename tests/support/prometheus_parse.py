#!/usr/bin/python3
"""Parses a Prometheus text exposition (stdin) with the prometheus_client library's parser, an
implementation independent of Archway's, and prints what it found as JSON:
{"families": [{"name", "type", "samples": [{"name", "labels", "value"}]}]}.
Exits 1 with the parser's message when the text does not parse."""
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    text = sys.stdin.read()
    try:
        families = []
        for family in text_string_to_metric_families(text):
            samples = []
            for s in family.samples:
                value = s.value
                if isinstance(value, float) and (math.isinf(value) or math.isnan(value)):
                    value = str(value)
                samples.append({"name": s.name, "labels": dict(s.labels), "value": value})
            families.append({"name": family.name, "type": family.type, "samples": samples})
    except Exception as e:  # the parser's own error types vary by version
        print(f"unparseable exposition: {e}", file=sys.stderr)
        return 1
    json.dump({"families": families}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
