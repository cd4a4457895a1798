// The C microbenchmark behind ColumnBlocking (2026-12-03, machine D): a
// 100k x 100k ER layer (40 connections per row, sorted), batch 128, AVX2,
// forward SpMM and SDDMM unblocked (blocks 1) against W's columns in 4, 7
// and 10 blocks, each form checked against the unblocked forward, and the
// forward in batch-column slices of 64/32/16. Median of 7 rounds.
//
//   clang -O3 -mavx2 -mfma -fopenmp=libgomp column-blocking-bench.c -o bench
//   OMP_NUM_THREADS=1 ./bench [n [connections per row]]
//   (HUGE=1: 2 MB pages for the activations; NT=1 / NT=2: NTA prefetch of
//   the output rows / non-temporal stores of them, neither of which helped)
//
// `./bench 4000`, `10000`, `20000` show how fast the gathered rows come
// while the operand (n x 128 floats) fits whatever L3 the neighbours leave.

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
static void *big(size_t n){ n=(n+(2<<20)-1)&~(size_t)((2<<20)-1); void*p=aligned_alloc(2<<20,n); if(getenv("HUGE")) madvise(p,n,MADV_HUGEPAGE); return p;}

typedef float v8f __attribute__((vector_size(32), aligned(4)));
static inline v8f ld(const float *p) { v8f v; memcpy(&v, p, 32); return v; }
static inline void st(float *p, v8f v) { memcpy(p, &v, 32); }
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
#define B 128
static int PD = 4;
// one row, 64-wide tile, quads; init from y if add
static int NT = 0;
#include <immintrin.h>
static inline void tile(const int32_t *ci, const float *v, int32_t k0, int32_t k1, const float *x, float *yr, int add) {
  if (NT) { for (int l = 0; l < 256; l += 64) _mm_prefetch((const char *)(yr + 2 * B) + l, _MM_HINT_NTA); }
  v8f a[8];
  for (int t = 0; t < 8; t++) a[t] = add ? ld(yr + 8 * t) : (v8f){0};
  int32_t k = k0;
  for (; k + 4 <= k1; k += 4) {
    const float *xs[4]; float w[4];
    for (int j = 0; j < 4; j++) { w[j] = v[k + j]; xs[j] = x + (int64_t)ci[k + j] * B; }
    if (k + PD + 3 < k1) for (int j = 0; j < 4; j++) { const char *n = (const char *)(x + (int64_t)ci[k + PD + j] * B); for (int l = 0; l < 256; l += 64) __builtin_prefetch(n + l); }
    for (int t = 0; t < 8; t++)
      a[t] += (w[0] * ld(xs[0] + 8 * t) + w[1] * ld(xs[1] + 8 * t)) + (w[2] * ld(xs[2] + 8 * t) + w[3] * ld(xs[3] + 8 * t));
  }
  for (; k < k1; k++) { const float *xr = x + (int64_t)ci[k] * B; for (int t = 0; t < 8; t++) a[t] += v[k] * ld(xr + 8 * t); }
  for (int t = 0; t < 8; t++) st(yr + 8 * t, a[t]);
}
static inline __attribute__((always_inline)) void tileN(const int32_t *ci, const float *v, int32_t k0, int32_t k1, const float *x, float *yr, const int NT) {
  v8f a[8];
  for (int t = 0; t < NT; t++) a[t] = (v8f){0};
  int32_t k = k0;
  for (; k + 4 <= k1; k += 4) {
    const float *xs[4]; float w[4];
    for (int j = 0; j < 4; j++) { w[j] = v[k + j]; xs[j] = x + (int64_t)ci[k + j] * B; }
    if (k + PD + 3 < k1) for (int j = 0; j < 4; j++) { const char *n = (const char *)(x + (int64_t)ci[k + PD + j] * B); for (int l = 0; l < NT * 32; l += 64) __builtin_prefetch(n + l); }
    for (int t = 0; t < NT; t++)
      a[t] += (w[0] * ld(xs[0] + 8 * t) + w[1] * ld(xs[1] + 8 * t)) + (w[2] * ld(xs[2] + 8 * t) + w[3] * ld(xs[3] + 8 * t));
  }
  for (; k < k1; k++) { const float *xr = x + (int64_t)ci[k] * B; for (int t = 0; t < NT; t++) a[t] += v[k] * ld(xr + 8 * t); }
  for (int t = 0; t < NT; t++) st(yr + 8 * t, a[t]);
}
static void spmm_sliced(const int32_t *rp, const int32_t *ci, const float *v, const float *x, float *y, int64_t n, int S) {
  for (int b = 0; b < B; b += S) {
#pragma omp parallel for schedule(dynamic, 1024)
    for (int64_t r = 0; r < n; r++) {
      if (S == 64) tileN(ci, v, rp[r], rp[r + 1], x + b, y + r * B + b, 8);
      else if (S == 32) tileN(ci, v, rp[r], rp[r + 1], x + b, y + r * B + b, 4);
      else tileN(ci, v, rp[r], rp[r + 1], x + b, y + r * B + b, 2);
    }
  }
}
static void spmm(const int32_t *rp, const int32_t *ci, const float *v, const float *x, float *y, int64_t n, int nb, int64_t ncols, int32_t *cur) {
  if (nb <= 1) {
#pragma omp parallel for schedule(dynamic, 1024)
    for (int64_t r = 0; r < n; r++) for (int b = 0; b < B; b += 64) tile(ci, v, rp[r], rp[r + 1], x + b, y + r * B + b, 0);
    return;
  }
  memcpy(cur, rp, n * 4);
  for (int blk = 0; blk < nb; blk++) {
    const int32_t lim = (int32_t)(ncols * (blk + 1) / nb);
#pragma omp parallel for schedule(dynamic, 1024)
    for (int64_t r = 0; r < n; r++) {
      int32_t k0 = cur[r], k1 = k0, e = rp[r + 1];
      while (k1 < e && ci[k1] < lim) k1++;
      cur[r] = k1;
      for (int b = 0; b < B; b += 64) tile(ci, v, k0, k1, x + b, y + r * B + b, blk > 0);
    }
  }
}
static inline void sd_run(const int32_t *ci, int32_t k, int32_t k1, const float *dyr, const float *x, float *g) {
  for (int64_t b = 0; b < B; b += 64) {
    v8f d[8]; for (int t = 0; t < 8; t++) d[t] = ld(dyr + b + 8 * t);
    for (int32_t kk = k; kk < k1; kk++) {
      if (kk + PD < k1) { const char *n = (const char *)(x + (int64_t)ci[kk + PD] * B + b); for (int l = 0; l < 256; l += 64) __builtin_prefetch(n + l); }
      const float *xr = x + (int64_t)ci[kk] * B + b;
      v8f a = d[0] * ld(xr), c = d[1] * ld(xr + 8);
      for (int t = 2; t < 8; t += 2) { a += d[t] * ld(xr + 8 * t); c += d[t + 1] * ld(xr + 8 * t + 8); }
      a += c; float s = ((a[0] + a[4]) + (a[1] + a[5])) + ((a[2] + a[6]) + (a[3] + a[7]));
      g[kk] = (b ? g[kk] : 0) + s;
    }
  }
}
static void sddmm(const int32_t *rp, const int32_t *ci, const float *dy, const float *x, float *g, int64_t n, int nb, int64_t ncols, int32_t *cur) {
  if (nb <= 1) {
#pragma omp parallel for schedule(dynamic, 1024)
    for (int64_t r = 0; r < n; r++) sd_run(ci, rp[r], rp[r + 1], dy + r * B, x, g);
    return;
  }
  memcpy(cur, rp, n * 4);
  for (int blk = 0; blk < nb; blk++) {
    const int32_t lim = (int32_t)(ncols * (blk + 1) / nb);
#pragma omp parallel for schedule(dynamic, 1024)
    for (int64_t r = 0; r < n; r++) {
      int32_t k0 = cur[r], k1 = k0, e = rp[r + 1];
      while (k1 < e && ci[k1] < lim) k1++;
      cur[r] = k1;
      sd_run(ci, k0, k1, dy + r * B, x, g);
    }
  }
}
static uint64_t s = 88172645463325252ull;
static uint64_t rnd(void) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return s; }
static int cmp(const void *a, const void *b) { return *(int32_t *)a - *(int32_t *)b; }
int main(int argc, char **argv) {
  int64_t n = argc > 1 ? atol(argv[1]) : 100000, per = argc > 2 ? atol(argv[2]) : 40;
  int32_t *rp = malloc((n + 1) * 4), *ci = malloc(n * per * 4), *cur = malloc(n * 4);
  float *v = malloc(n * per * 4), *g = malloc(n * per * 4);
  rp[0] = 0;
  for (int64_t r = 0; r < n; r++) {
    for (int j = 0; j < per; j++) { ci[r * per + j] = rnd() % n; v[r * per + j] = (rnd() % 1000) * 1e-3f - 0.5f; }
    qsort(ci + r * per, per, 4, cmp);
    rp[r + 1] = (r + 1) * per;
  }
  float *x = big(n * B * 4), *y = big(n * B * 4), *y2 = big(n * B * 4), *dy = big(n * B * 4);
  for (int64_t i = 0; i < n * B; i++) { x[i] = (rnd() % 1000) * 1e-3f; dy[i] = (rnd() % 1000) * 1e-3f; }
  if (getenv("NT")) NT = atoi(getenv("NT"));
  int nbs[] = {1, 4, 7, 10};
  int nn = sizeof nbs / sizeof *nbs;
  double tf[16][9], ts[16][9];
  spmm(rp, ci, v, x, y, n, 1, n, cur);
  for (int i = 1; i < nn; i++) { spmm(rp, ci, v, x, y2, n, nbs[i], n, cur); double w = 0; for (int64_t q = 0; q < n * B; q++) { double d = y[q] - y2[q]; if (d < 0) d = -d; if (d > w) w = d; } if (w > 1e-3) printf("mismatch nb=%d %g\n", nbs[i], w); }
  for (int rep = 0; rep < 7; rep++)
    for (int i = 0; i < nn; i++) {
      double t0 = now(); spmm(rp, ci, v, x, y, n, nbs[i], n, cur); double t1 = now();
      sddmm(rp, ci, dy, x, g, n, nbs[i], n, cur); double t2 = now();
      tf[i][rep] = t1 - t0; ts[i][rep] = t2 - t1;
    }
  {
    int Ss[] = {64, 32, 16};
    double tt[3][7];
    for (int rep = 0; rep < 7; rep++) for (int i = 0; i < 3; i++) { double t0 = now(); spmm_sliced(rp, ci, v, x, y2, n, Ss[i]); tt[i][rep] = now() - t0; }
    for (int i = 0; i < 3; i++) { double *a = tt[i]; for (int p = 0; p < 7; p++) for (int q = p + 1; q < 7; q++) if (a[q] < a[p]) { double t = a[p]; a[p] = a[q]; a[q] = t; }
      printf("batch slices of %d: spmm %7.1f ms (%5.1f GF/s)\n", Ss[i], a[3] * 1e3, 2.0 * n * per * B / a[3] / 1e9); }
    double w = 0; for (int64_t q = 0; q < n * B; q++) { double d = y[q] - y2[q]; if (d < 0) d = -d; if (d > w) w = d; } if (w > 1e-3) printf("slice mismatch %g\n", w);
  }
  for (int i = 0; i < nn; i++) {
    double a[7], b2[7]; memcpy(a, tf[i], 56); memcpy(b2, ts[i], 56);
    for (int p = 0; p < 7; p++) for (int q = p + 1; q < 7; q++) { if (a[q] < a[p]) { double t = a[p]; a[p] = a[q]; a[q] = t; } if (b2[q] < b2[p]) { double t = b2[p]; b2[p] = b2[q]; b2[q] = t; } }
    double fl = 2.0 * n * per * B;
    printf("blocks %2d  X block %6.1f MB  spmm %7.1f ms (%5.1f GF/s)  sddmm %7.1f ms (%5.1f GF/s)\n", nbs[i], n * B * 4.0 / nbs[i] / 1e6, a[3] * 1e3, fl / a[3] / 1e9, b2[3] * 1e3, fl / b2[3] / 1e9);
  }
}
