"""Ready-to-copy client samples for an API, filled in with its real gateway URL.

The key is read from the environment variable `TOLLGATE_API_KEY` in every sample, so a
copied sample never carries a secret.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from devportal.catalog import Operation

KEY_VARIABLE = "TOLLGATE_API_KEY"
CHAT_PATH = "/chat/completions"


@dataclass(frozen=True)
class Sample:
    slug: str
    label: str
    language: str
    code: str


def samples_for(base_url: str, operation: Operation | None) -> list[Sample]:
    if operation is None:
        return []
    body = json.loads(operation.example) if operation.example else None
    url = base_url + operation.path
    method = operation.method
    result = [Sample("curl", "curl", "shell", _curl(method, url, body))]
    if operation.path == CHAT_PATH and isinstance(body, dict):
        result += [
            Sample("python", "Python (openai SDK)", "py", _python_openai(base_url, body)),
            Sample("js-openai", "JavaScript (openai SDK)", "js", _js_openai(base_url, body)),
        ]
    else:
        result.append(Sample("python", "Python (httpx)", "py", _python_httpx(method, url, body)))
    result.append(Sample("js-fetch", "JavaScript (fetch)", "js", _js_fetch(method, url, body)))
    return result


def _curl(method: str, url: str, body: dict | None) -> str:
    lines = [f'curl -X {method} "{url}"', f'  -H "Authorization: Bearer ${KEY_VARIABLE}"']
    if body is not None:
        payload = json.dumps(body).replace("'", "'\\''")
        lines += ['  -H "Content-Type: application/json"', f"  -d '{payload}'"]
    return " \\\n".join(lines)


def _python_kwargs(body: dict) -> str:
    return "\n".join(f"    {name}={value!r}," for name, value in body.items())


def _python_openai(base_url: str, body: dict) -> str:
    return (
        "import os\n\n"
        "from openai import OpenAI\n\n"
        "client = OpenAI(\n"
        f'    base_url="{base_url}",\n'
        f'    api_key=os.environ["{KEY_VARIABLE}"],\n'
        ")\n"
        "completion = client.chat.completions.create(\n"
        f"{_python_kwargs(body)}\n"
        ")\n"
        "print(completion.choices[0].message.content)\n"
    )


def _python_httpx(method: str, url: str, body: dict | None) -> str:
    json_arg = f"    json={body!r},\n" if body is not None else ""
    return (
        "import os\n\n"
        "import httpx\n\n"
        "response = httpx.request(\n"
        f'    "{method}",\n'
        f'    "{url}",\n'
        f'    headers={{"Authorization": f"Bearer {{os.environ[\'{KEY_VARIABLE}\']}}"}},\n'
        f"{json_arg}"
        "    timeout=60,\n"
        ")\n"
        "print(response.status_code, response.json())\n"
    )


def _js_object(body: dict, indent: str) -> str:
    return json.dumps(body, indent=2).replace("\n", "\n" + indent)


def _js_openai(base_url: str, body: dict) -> str:
    return (
        'import OpenAI from "openai";\n\n'
        "const client = new OpenAI({\n"
        f'  baseURL: "{base_url}",\n'
        f"  apiKey: process.env.{KEY_VARIABLE},\n"
        "});\n"
        f"const completion = await client.chat.completions.create({_js_object(body, '')});\n"
        "console.log(completion.choices[0].message.content);\n"
    )


def _js_fetch(method: str, url: str, body: dict | None) -> str:
    body_line = f"  body: JSON.stringify({_js_object(body, '  ')}),\n" if body is not None else ""
    content_type = '    "Content-Type": "application/json",\n' if body is not None else ""
    return (
        f'const response = await fetch("{url}", {{\n'
        f'  method: "{method}",\n'
        "  headers: {\n"
        f"    Authorization: `Bearer ${{process.env.{KEY_VARIABLE}}}`,\n"
        f"{content_type}"
        "  },\n"
        f"{body_line}"
        "});\n"
        "console.log(response.status, await response.json());\n"
    )
