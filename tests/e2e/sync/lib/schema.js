'use strict'
// The app's WatermelonDB schema as a mobile developer would write it (docs/sync.md):
// column names are the server's, datetimes are numbers (epoch ms).
const {
  appSchema,
  tableSchema,
} = require('@nozbe/watermelondb')
const {
  schemaMigrations,
  createTable,
  addColumns,
} = require('@nozbe/watermelondb/Schema/migrations')

const n = (name, isOptional = false) => ({ name, type: 'number', ...(isOptional && { isOptional }) })
const s = (name) => ({ name, type: 'string' })
const b = (name) => ({ name, type: 'boolean' })

const TABLES = {
  fasting_windows: [n('started_at'), n('ended_at', true), n('target_hours', true), s('protocol'), s('note')],
  meals: [
    n('eaten_at'),
    s('name'),
    n('kcal'),
    n('protein_g', true),
    n('carbs_g', true),
    n('fat_g', true),
    n('fiber_g', true),
    n('leucine_g', true),
  ],
  glucose_readings: [
    n('measured_at'),
    n('value_mgdl'),
    s('censored'),
    s('source'),
    s('device'),
    s('trend'),
  ],
  exercise_sessions: [n('started_at'), n('minutes'), s('intensity'), s('kind'), s('note')],
  day_confirmations: [s('date'), b('food_log_complete'), b('no_exercise')],
}

const table = (name, columns = TABLES[name]) => tableSchema({ name, columns })

// The current app: every table (version 2).
const schemaV2 = appSchema({ version: 2, tables: Object.keys(TABLES).map((name) => table(name)) })

// An older app release: no exercise log yet, and meals without fiber.
const schemaV1 = appSchema({
  version: 1,
  tables: [
    table('fasting_windows'),
    table('meals', TABLES.meals.filter((c) => c.name !== 'fiber_g')),
    table('glucose_readings'),
    table('day_confirmations'),
  ],
})

const migrationsV1toV2 = schemaMigrations({
  migrations: [
    {
      toVersion: 2,
      steps: [
        createTable({ name: 'exercise_sessions', columns: TABLES.exercise_sessions }),
        addColumns({ table: 'meals', columns: [n('fiber_g', true)] }),
      ],
    },
  ],
})

module.exports = { TABLES, schemaV1, schemaV2, migrationsV1toV2 }
