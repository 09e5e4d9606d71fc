FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY core core
COPY publisher publisher
COPY devportal devportal
COPY proxy proxy
COPY demo_upstream demo_upstream
COPY templates templates
COPY static static
COPY manage.py ./
RUN pip install --no-cache-dir .
