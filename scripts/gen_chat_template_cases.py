#!/usr/bin/env python3
"""Renders extra chat-template cases with Jinja2 from the official Hunyuan template.

The shared reference cases (../shared/testdata/chat_template_cases.jsonl) cover the common non-tool paths. This
script renders the remaining rules (consecutive users, empty first message, tool turns, later system messages) and
the tools branch, using the template text from ../shared/hunyuan/tokenizer_config.json with the environment
transformers uses (trim_blocks, lstrip_blocks, a json.dumps-based tojson, strftime_now), at a fixed time.
Output: runtime/src/test/resources/hy/runtime/chat/template_cases_extra.jsonl (one {"messages", "tools"?,
"enable_thinking"?, "now", "rendered"} per line). Run from the project root: python3 scripts/gen_chat_template_cases.py
"""
import datetime
import json
import pathlib

import jinja2

ROOT = pathlib.Path(__file__).resolve().parent.parent
TEMPLATE = json.loads((ROOT.parent / "shared/hunyuan/tokenizer_config.json").read_text())["chat_template"]
OUT = ROOT / "runtime/src/test/resources/hy/runtime/chat/template_cases_extra.jsonl"
NOW = datetime.datetime(2026, 3, 5, 14, 7, 9)  # a Thursday

env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"])
env.filters["tojson"] = lambda x, ensure_ascii=False, indent=None, separators=None, sort_keys=False: json.dumps(
    x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)
env.globals["strftime_now"] = lambda fmt: NOW.strftime(fmt)
template = env.from_string(TEMPLATE)

TOOLS = [
    {"type": "function", "function": {
        "name": "get_weather", "description": "获取城市的天气 (weather)",
        "parameters": {"type": "object", "properties": {
            "city": {"type": "string", "description": "城市名, e.g. \"北京\""},
            "days": {"type": "integer", "minimum": 1, "maximum": 7, "default": 1},
            "ratio": {"type": "number", "default": 0.5, "tiny": 1e-05, "big": 1e20},
            "metric": {"type": "boolean", "default": True}, "note": None},
            "required": ["city"]}}},
    {"type": "function", "function": {"name": "now", "description": "Current time\tand date\n", "parameters": {}}},
]

CASES = [
    {"messages": [{"role": "user", "content": "A"}, {"role": "user", "content": "B"}, {"role": "user", "content": "C"}]},
    {"messages": [{"role": "user", "content": ""}, {"role": "user", "content": "B"}]},
    {"messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "U"}, {"role": "assistant", "content": "A"},
                  {"role": "system", "content": "S2"}, {"role": "user", "content": "U2"}]},
    {"messages": [{"role": "system", "content": "S"}, {"role": "system", "content": "S2"}, {"role": "user", "content": "U"}]},
    {"messages": [{"role": "user", "content": "U"}, {"role": "assistant", "content": "call"}, {"role": "tool", "content": "{\"t\": 20}"},
                  {"role": "assistant", "content": "It is 20."}], "enable_thinking": False},
    {"messages": [{"role": "assistant", "content": "first"}, {"role": "user", "content": "U"}]},
    {"messages": [{"role": "user"}, {"role": "assistant", "content": "x"}]},
    {"messages": [{"role": "system", "content": "S"}], "enable_thinking": True},
    {"messages": [], "enable_thinking": False},
    {"messages": [{"role": "user", "content": "北京天气怎么样？"}], "tools": TOOLS},
    {"messages": [{"role": "system", "content": "用中文回答。"}, {"role": "user", "content": "Weather in Paris?"},
                  {"role": "assistant", "content": "", "tool_calls": [
                      {"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris", "days": 2}}},
                      {"type": "function", "function": {"name": "now", "arguments": "{}"}}]},
                  {"role": "tool", "content": "{\"temp\": 21}"}, {"role": "tool", "content": "2026-03-05"},
                  {"role": "assistant", "content": "巴黎 21 度。"}, {"role": "user", "content": "谢谢"}],
     "tools": TOOLS, "enable_thinking": False},
    {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}, {"role": "user", "content": "again"}],
     "tools": TOOLS[1:]},
]

with OUT.open("w", encoding="utf-8") as f:
    for case in CASES:
        kwargs = {"messages": case["messages"], "tools": case.get("tools")}
        if "enable_thinking" in case:
            kwargs["enable_thinking"] = case["enable_thinking"]
        rendered = template.render(**kwargs)
        f.write(json.dumps({**case, "now": NOW.isoformat(), "rendered": rendered}, ensure_ascii=False) + "\n")
print(f"wrote {len(CASES)} cases to {OUT}")
