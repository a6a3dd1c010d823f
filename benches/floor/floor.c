/* The parse-and-group floor: the least work any tool computing carbonledger's figures must do
 * on energy.csv. Two threads (argv[2], default 2) each take a part of the file split at line
 * boundaries, split every field of every row (facility,period,carrier,quantity,unit,factor,
 * ref,note; no quoted fields in the generated files, which it checks), and sum the quantity
 * exactly (a scaled 64-bit integer, thousandths) per facility × year × carrier × unit in an
 * open-addressing hash table; the tables are merged at the end.
 *
 * Output (stdout): one line per key, "facility,year,carrier,unit,sum_in_thousandths", and on
 * stderr the row and key counts. benches/floor_check.py turns the sums into the figures
 * (exact Decimal, the factor table of duckdb_equiv.py) so the totals are checked like every
 * peer's. Build: cc -O2 -pthread -o floor floor.c (benches/run.sh does it).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct { const char *p; uint32_t n; } str;
typedef struct { str fac, car, unit; int year; int64_t sum; uint64_t h; int used; } slot;
typedef struct { slot *s; size_t cap, len; } table;
typedef struct { const char *b, *e; table t; long rows; int bad; } job;

static uint64_t hash(str a, str b, str c, int y) {
  uint64_t h = 1469598103934665603ull ^ (uint64_t)y;
  const str parts[3] = {a, b, c};
  for (int k = 0; k < 3; k++) {
    for (uint32_t i = 0; i < parts[k].n; i++) h = (h ^ (unsigned char)parts[k].p[i]) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;
  }
  return h;
}
static int eq(str a, str b) { return a.n == b.n && memcmp(a.p, b.p, a.n) == 0; }
static void grow(table *t);
static void add(table *t, str f, int y, str c, str u, int64_t q, uint64_t h) {
  if (2 * (t->len + 1) > t->cap) grow(t);
  size_t i = h & (t->cap - 1);
  for (;;) {
    slot *s = &t->s[i];
    if (!s->used) { *s = (slot){f, c, u, y, q, h, 1}; t->len++; return; }
    if (s->h == h && s->year == y && eq(s->fac, f) && eq(s->car, c) && eq(s->unit, u)) { s->sum += q; return; }
    i = (i + 1) & (t->cap - 1);
  }
}
static void grow(table *t) {
  table n = {calloc(t->cap ? t->cap * 2 : 1024, sizeof(slot)), t->cap ? t->cap * 2 : 1024, 0};
  for (size_t i = 0; i < t->cap; i++)
    if (t->s[i].used) add(&n, t->s[i].fac, t->s[i].year, t->s[i].car, t->s[i].unit, t->s[i].sum, t->s[i].h);
  free(t->s);
  *t = n;
}
/* "123.45" -> 123450 (thousandths); -1 on anything else. */
static int64_t qty(str s) {
  int64_t v = 0; int dec = -1;
  for (uint32_t i = 0; i < s.n; i++) {
    char ch = s.p[i];
    if (ch == '.' && dec < 0) { dec = 0; continue; }
    if (ch < '0' || ch > '9') return -1;
    v = v * 10 + (ch - '0');
    if (dec >= 0 && ++dec > 3) return -1;
  }
  for (int d = dec < 0 ? 0 : dec; d < 3; d++) v *= 10;
  return v;
}
static void *run(void *arg) {
  job *j = arg;
  const char *p = j->b;
  int header = 0;
  while (p < j->e) {
    const char *nl = memchr(p, '\n', (size_t)(j->e - p));
    const char *end = nl ? nl : j->e;
    if (end > p && end[-1] == '\r') end--;
    if (p < end && *p != '#') {
      str f[8]; int k = 0; const char *a = p;
      for (const char *c = p; c <= end; c++) {
        if (c == end || *c == ',') { if (k < 8) f[k] = (str){a, (uint32_t)(c - a)}; k++; a = c + 1; }
        else if (*c == '"') j->bad = 1;
      }
      if (k == 8 && !(f[0].n == 8 && memcmp(f[0].p, "facility", 8) == 0)) {
        int64_t q = qty(f[3]);
        int y = f[1].n >= 4 ? (f[1].p[0]-'0')*1000 + (f[1].p[1]-'0')*100 + (f[1].p[2]-'0')*10 + (f[1].p[3]-'0') : -1;
        if (q < 0 || y < 0) j->bad = 1;
        else { add(&j->t, f[0], y, f[2], f[4], q, hash(f[0], f[2], f[4], y)); j->rows++; }
      } else if (k != 8) j->bad = 1;
      header = 1;
    }
    p = nl ? nl + 1 : j->e;
  }
  return NULL;
}
int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: floor ENERGY_CSV [THREADS]\n"); return 2; }
  int n = argc > 2 ? atoi(argv[2]) : 2;
  if (n < 1 || n > 64) n = 2;
  int fd = open(argv[1], O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0) { perror(argv[1]); return 1; }
  const char *m = st.st_size ? mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0) : "";
  if (m == MAP_FAILED) { perror("mmap"); return 1; }
  const char *end = m + st.st_size;
  job jobs[64]; pthread_t th[64];
  const char *b = m;
  for (int i = 0; i < n; i++) {
    const char *e = i == n - 1 ? end : m + (size_t)st.st_size * (size_t)(i + 1) / (size_t)n;
    if (e < b) e = b;
    const char *nl = e < end ? memchr(e, '\n', (size_t)(end - e)) : NULL;
    e = i == n - 1 ? end : (nl ? nl + 1 : end);
    jobs[i] = (job){b, e, {0}, 0, 0};
    b = e;
  }
  for (int i = 0; i < n; i++) pthread_create(&th[i], NULL, run, &jobs[i]);
  for (int i = 0; i < n; i++) pthread_join(th[i], NULL);
  long rows = 0; int bad = 0;
  for (int i = 1; i < n; i++)
    for (size_t k = 0; k < jobs[i].t.cap; k++) {
      slot *s = &jobs[i].t.s[k];
      if (s->used) add(&jobs[0].t, s->fac, s->year, s->car, s->unit, s->sum, s->h);
    }
  for (int i = 0; i < n; i++) { rows += jobs[i].rows; bad |= jobs[i].bad; }
  table *t = &jobs[0].t;
  for (size_t k = 0; k < t->cap; k++) {
    slot *s = &t->s[k];
    if (s->used) printf("%.*s,%d,%.*s,%.*s,%lld\n", (int)s->fac.n, s->fac.p, s->year, (int)s->car.n, s->car.p, (int)s->unit.n, s->unit.p, (long long)s->sum);
  }
  fprintf(stderr, "rows %ld keys %zu%s\n", rows, t->len, bad ? " (some rows not understood)" : "");
  return bad ? 1 : 0;
}
