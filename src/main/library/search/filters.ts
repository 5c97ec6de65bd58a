/** SQL for the search filters, applied inside every leg (over images aliased `i`). */
export interface SearchFilters {
  /** taken_at lower bound (ms since the epoch, inclusive). */
  from?: number
  /** taken_at upper bound (inclusive). */
  to?: number
  /** Every one of these tags (case-insensitive). */
  tags?: string[]
  /** Only images in this album. */
  album?: string
}

export interface FilterSql {
  where: string
  params: Record<string, unknown>
}

export function filterSql(filters: SearchFilters, exclude: readonly string[]): FilterSql {
  const where = ['i.trashed_at IS NULL']
  const params: Record<string, unknown> = {}
  if (exclude.length) {
    where.push('i.id NOT IN (SELECT value FROM json_each(@exclude))')
    params.exclude = JSON.stringify(exclude)
  }
  if (filters.from !== undefined) {
    where.push('i.taken_at >= @from')
    params.from = filters.from
  }
  if (filters.to !== undefined) {
    where.push('i.taken_at <= @to')
    params.to = filters.to
  }
  ;(filters.tags ?? []).forEach((tag, n) => {
    where.push(
      `EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(i.tags) THEN i.tags ELSE '[]' END) t WHERE lower(t.value) = lower(@tag${n}))`,
    )
    params[`tag${n}`] = tag
  })
  if (filters.album !== undefined) {
    where.push('i.id IN (SELECT image_id FROM album_images WHERE album_id = @album)')
    params.album = filters.album
  }
  return { where: where.join(' AND '), params }
}

export const hasNarrowingFilters = (f: SearchFilters): boolean =>
  f.from !== undefined || f.to !== undefined || (f.tags?.length ?? 0) > 0 || f.album !== undefined
