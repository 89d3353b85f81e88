'use strict'
// A device: a real WatermelonDB database (LokiJS adapter, in memory) synced with the real
// synchronize() against the live server, configured as docs/sync.md tells app developers.
const { randomUUID } = require('node:crypto')
const { Database, Model, Q } = require('@nozbe/watermelondb')
const LokiJSAdapter = require('@nozbe/watermelondb/adapters/lokijs').default
const { schemaMigrations } = require('@nozbe/watermelondb/Schema/migrations')
const { setGenerator } = require('@nozbe/watermelondb/utils/common/randomId')
const { synchronize, hasUnsyncedChanges } = require('@nozbe/watermelondb/sync')

const { schemaV2, migrationsV1toV2 } = require('./schema')

// Ids are UUIDs: the server refuses anything else.
setGenerator(() => randomUUID())

const modelClass = (table) => class extends Model { static table = table }

class Device {
  constructor(session, { schema = schemaV2, migrations, name = 'device', adapter } = {}) {
    this.session = session
    this.name = name
    this.schema = schema
    this.migrations =
      migrations ?? (schema.version === 2 ? migrationsV1toV2 : schemaMigrations({ migrations: [] }))
    this.adapter =
      adapter ??
      new LokiJSAdapter({
        schema,
        migrations: this.migrations,
        dbName: `${name}-${randomUUID()}`,
        useWebWorker: false,
        useIncrementalIndexedDB: true,
        extraLokiOptions: { autosave: false }, // or a Loki timer keeps Node alive
      })
    this.db = new Database({
      adapter: this.adapter,
      modelClasses: Object.keys(schema.tables).map(modelClass),
    })
    this.lastLog = null
  }

  tables() {
    return Object.keys(this.schema.tables)
  }

  async create(table, fields) {
    let id
    await this.db.write(async () => {
      const record = await this.db.get(table).create((r) => {
        for (const [key, value] of Object.entries(fields)) r._setRaw(key, value)
      })
      id = record.id
    })
    return id
  }

  async update(table, id, fields) {
    await this.db.write(async () => {
      const record = await this.db.get(table).find(id)
      await record.update((r) => {
        for (const [key, value] of Object.entries(fields)) r._setRaw(key, value)
      })
    })
  }

  async remove(table, id) {
    await this.db.write(async () => {
      const record = await this.db.get(table).find(id)
      await record.markAsDeleted() // a tombstone the next push sends as `deleted`
    })
  }

  // Live local rows without WatermelonDB's bookkeeping, by id.
  async rows(table) {
    const records = await this.db.get(table).query().fetch()
    const out = {}
    for (const record of records) {
      const { _status, _changed, ...raw } = record._raw
      out[record.id] = raw
    }
    return out
  }

  async raw(table, id) {
    const [record] = await this.db.get(table).query(Q.where('id', id)).fetch()
    return record ? { ...record._raw } : null
  }

  async dirty() {
    return hasUnsyncedChanges({ database: this.db })
  }

  // synchronize() as an app calls it; `hooks.beforePush` / `hooks.afterPush` let a test act
  // while this device's push is in flight or lose the push's response.
  async sync(hooks = {}) {
    const log = {}
    this.lastLog = log
    await synchronize({
      database: this.db,
      sendCreatedAsUpdated: true,
      migrationsEnabledAtVersion: 1,
      log,
      pullChanges: ({ lastPulledAt, schemaVersion, migration }) =>
        this.session.pull({ lastPulledAt, schemaVersion, migration, tables: this.tables() }),
      pushChanges: async ({ changes, lastPulledAt }) => {
        if (hooks.beforePush) await hooks.beforePush({ changes, lastPulledAt })
        const result = await this.session.push({ changes, lastPulledAt })
        if (hooks.afterPush) await hooks.afterPush({ changes, lastPulledAt, result })
        return result
      },
    })
    return log
  }

  // The app is updated to a new schema: the same stored data, opened with migrations.
  async upgrade(schema, migrations) {
    // autosave is off: write the in-memory Loki store to its (memory) persistence first.
    const { loki } = this.adapter._driver
    await new Promise((resolve, reject) =>
      loki.saveDatabase((error) => (error ? reject(error) : resolve())),
    )
    const adapter = await this.adapter.testClone({ schema, migrations })
    return new Device(this.session, { schema, migrations, name: this.name, adapter })
  }
}

module.exports = { Device }
