'use strict'
// A Lowtide API session as a mobile app holds it: JWT access + rotating refresh token,
// refreshed once on a 401. The pull/push functions are the ones docs/sync.md shows.
const { randomBytes, randomUUID } = require('node:crypto')

const BASE_URL = process.env.LOWTIDE_URL
if (!BASE_URL) throw new Error('LOWTIDE_URL is not set: run the suite with `make test-sync`')

class HttpError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}: ${typeof body === 'string' ? body : JSON.stringify(body)}`)
    this.status = status
    this.body = body
  }
}

async function request(method, path, { token, query, body } = {}) {
  const url = new URL(path, BASE_URL)
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined) url.searchParams.set(key, value === null ? 'null' : String(value))
  }
  const headers = { Accept: 'application/json' }
  if (token) headers.Authorization = `Bearer ${token}`
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  const data = text ? JSON.parse(text) : null
  return { status: response.status, data }
}

class Session {
  constructor(email, password) {
    this.email = email
    this.password = password
    this.access = null
    this.refreshToken = null
    this.refreshes = 0
  }

  // A new member: register, then sign in (the two calls an app makes on first launch).
  static async create({ timezone = 'Europe/Berlin' } = {}) {
    const session = new Session(
      `e2e-${randomUUID()}@example.com`,
      `Low tide ${randomBytes(24).toString('base64url')}`,
    )
    const registered = await request('POST', '/api/v1/auth/register/', {
      body: { email: session.email, password: session.password, timezone },
    })
    if (registered.status !== 201) throw new HttpError(registered.status, registered.data)
    const tokens = await request('POST', '/api/v1/auth/token/', {
      body: { email: session.email, password: session.password },
    })
    if (tokens.status !== 200) throw new HttpError(tokens.status, tokens.data)
    session.access = tokens.data.access
    session.refreshToken = tokens.data.refresh
    return session
  }

  async refresh() {
    const result = await request('POST', '/api/v1/auth/token/refresh/', {
      body: { refresh: this.refreshToken },
    })
    if (result.status !== 200) throw new HttpError(result.status, result.data)
    this.access = result.data.access
    this.refreshToken = result.data.refresh // rotated: the old one is blacklisted now
    this.refreshes += 1
  }

  // An authenticated call; an expired access token is refreshed once and the call repeated.
  async call(method, path, options = {}) {
    let result = await request(method, path, { ...options, token: this.access })
    if (result.status === 401) {
      await this.refresh()
      result = await request(method, path, { ...options, token: this.access })
    }
    return result
  }

  // --- the two functions synchronize() needs -------------------------------------------

  async pull({ lastPulledAt, schemaVersion, migration, tables }) {
    const result = await this.call('GET', '/api/v1/sync/pull/', {
      query: {
        last_pulled_at: lastPulledAt ?? null,
        schema_version: schemaVersion,
        migration: migration ? JSON.stringify(migration) : null,
        tables: tables.join(','),
      },
    })
    if (result.status !== 200) throw new HttpError(result.status, result.data)
    return { changes: result.data.changes, timestamp: result.data.timestamp }
  }

  async push({ changes, lastPulledAt }) {
    const result = await this.call('POST', '/api/v1/sync/push/', {
      query: { last_pulled_at: lastPulledAt },
      body: changes,
    })
    // 409: something changed on the server since our pull. Throwing leaves the local
    // changes dirty; the next synchronize() pulls, merges per column and pushes again.
    if (result.status !== 200) throw new HttpError(result.status, result.data)
    return { experimentalRejectedIds: result.data.experimentalRejectedIds }
  }
}

module.exports = { BASE_URL, HttpError, Session, request }
