import type { Coordinates } from './model';

/** Mean Earth radius (IUGG), the usual choice for haversine distances. */
export const EARTH_RADIUS_KM = 6371.0088;

const toRadians = (degrees: number): number => (degrees * Math.PI) / 180;

/** Great-circle distance in kilometres (haversine): good to well under 1 % inside Germany. */
export function distanceKm(a: Coordinates, b: Coordinates): number {
  const dLat = toRadians(b.lat - a.lat);
  const dLon = toRadians(b.lon - a.lon);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(toRadians(a.lat)) * Math.cos(toRadians(b.lat)) * Math.sin(dLon / 2) ** 2;
  // min() guards against rounding pushing h a hair above 1 for antipodal points.
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface Ranked<T> {
  readonly item: T;
  readonly distanceKm: number;
}

/**
 * The `count` items closest to `origin`, nearest first. Equal distances are
 * ordered by `idOf` when given (so the answer does not depend on input order),
 * otherwise they keep their input order.
 */
export function nearest<T>(
  origin: Coordinates,
  items: readonly T[],
  locate: (item: T) => Coordinates,
  count: number,
  idOf?: (item: T) => string,
): Ranked<T>[] {
  const ranked = items.map((item) => ({ item, distanceKm: distanceKm(origin, locate(item)) }));
  ranked.sort((x, y) => {
    if (x.distanceKm !== y.distanceKm) return x.distanceKm - y.distanceKm;
    if (!idOf) return 0;
    const a = idOf(x.item);
    const b = idOf(y.item);
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return ranked.slice(0, Math.max(0, count));
}
