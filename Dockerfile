# Stage 1: the coach admin's chart library (npm, lockfile-pinned), as `make coach-static`.
FROM node:20-slim AS coach-static
WORKDIR /frontend
COPY apps/coaching/frontend/package.json apps/coaching/frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error && mkdir /vendor && cp \
    node_modules/chart.js/dist/chart.umd.min.js \
    node_modules/luxon/build/global/luxon.min.js \
    node_modules/chartjs-adapter-luxon/dist/chartjs-adapter-luxon.umd.min.js \
    node_modules/chartjs-plugin-annotation/dist/chartjs-plugin-annotation.min.js \
    /vendor/

# Stage 2: the application image (web, worker and beat all run from it).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=backend.settings.production
WORKDIR /app
COPY requirements/ requirements/
RUN pip install --no-cache-dir -r requirements/production.txt
COPY . .
COPY --from=coach-static /vendor/ apps/coaching/static/coaching/vendor/
RUN SECRET_KEY=build ALLOWED_HOSTS=localhost DATABASE_URL=sqlite:////tmp/build.db \
    REDIS_URL=redis://localhost:6379/0 python manage.py collectstatic --noinput
RUN useradd --create-home lowtide
USER lowtide
EXPOSE 8000
CMD ["gunicorn", "backend.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2"]
