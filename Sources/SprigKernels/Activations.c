// Elementwise activation kernels whose Swift form is slow: Swift's SIMD
// masks and selects compile to scalar loops through the stack unless the
// whole program is built for the CPU, and branches on the sign of random
// activations mispredict half the time. GCC vector types compile to plain
// SSE on any x86-64 and to NEON elsewhere.
#include "SprigKernels.h"
#include <string.h>

// The portable variant passes 8-lane vectors between static inline helpers;
// the ABI note clang gives for that does not apply to them.
#pragma clang diagnostic ignored "-Wpsabi"

typedef float f8 __attribute__((vector_size(32), aligned(4)));
typedef int32_t i8 __attribute__((vector_size(32), aligned(4)));

static inline f8 loadf8(const float *p) { f8 v; memcpy(&v, p, sizeof v); return v; }
static inline void storef8(float *p, f8 v) { memcpy(p, &v, sizeof v); }
static inline f8 splatf8(float v) { return (f8){v, v, v, v, v, v, v, v}; }
static inline float sumf8(f8 v) { return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7])); }
static inline f8 keep(f8 v, i8 mask) { return (f8)((i8)v & mask); }

void sprig_srelu_backward_rows(const float *x, const float *dy, float *dx, int64_t batch, int64_t rows,
                               const float *left_threshold, const float *left_slope,
                               const float *right_threshold, const float *right_slope, float *sums) {
  for (int64_t i = 0; i < rows; i++) {
    const float tl = left_threshold[i], al = left_slope[i], tr = right_threshold[i], ar = right_slope[i];
    const float *xr = x + i * batch, *dyr = dy + i * batch;
    float *dxr = dx ? dx + i * batch : 0;
    f8 r = splatf8(0), rx = splatf8(0), l = splatf8(0), lx = splatf8(0);
    const f8 tlv = splatf8(tl), trv = splatf8(tr), alv = splatf8(al), arv = splatf8(ar), one = splatf8(1);
    int64_t k = 0;
    for (; k + 8 <= batch; k += 8) {
      f8 v = loadf8(xr + k), g = loadf8(dyr + k);
      i8 right = (i8)(v >= trv), left = (i8)(v <= tlv) & ~right;
      f8 gr = keep(g, right), gl = keep(g, left);
      r += gr;
      rx += gr * v;
      l += gl;
      lx += gl * v;
      if (dxr) {
        f8 slope = (f8)(((i8)arv & right) | ((i8)alv & left) | ((i8)one & ~(right | left)));
        storef8(dxr + k, slope * g);
      }
    }
    float s[4] = {sumf8(r), sumf8(rx), sumf8(l), sumf8(lx)};
    for (; k < batch; k++) {
      float v = xr[k], g = dyr[k];
      int right = v >= tr, left = !right && v <= tl;
      if (right) { s[0] += g; s[1] += g * v; }
      if (left) { s[2] += g; s[3] += g * v; }
      if (dxr) dxr[k] = (right ? ar : left ? al : 1.0f) * g;
    }
    memcpy(sums + 4 * i, s, sizeof s);
  }
}

// A 32-bit integer hash with good avalanche (Wellons' lowbias32): on
// 32-bit lanes it vectorizes, where a 64-bit generator stays scalar.
static inline uint32_t hash32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

// Element i's keep decision: a hash of (seed, i), so forward and backward
// recompute the same mask instead of storing it, and the loops carry no
// serial generator state (eight elements per instruction).
static inline float dropout_scale(uint64_t seed, int64_t i, uint32_t keep_threshold, float scale) {
  const uint32_t lo = (uint32_t)seed, hi = (uint32_t)(seed >> 32);
  uint32_t h = hash32(hash32((uint32_t)i ^ hi) + lo);
  return (h >> 8) < keep_threshold ? scale : 0.0f;
}

__attribute__((target_clones("avx512f", "avx2", "default")))
void sprig_dropout(const float *x, float *y, int64_t n, uint64_t seed, uint32_t keep_threshold, float scale) {
  for (int64_t i = 0; i < n; i++) y[i] = x[i] * dropout_scale(seed, i, keep_threshold, scale);
}

__attribute__((target_clones("avx512f", "avx2", "default")))
void sprig_srelu_forward_rows(const float *x, float *y, int64_t batch, int64_t rows,
                              const float *left_threshold, const float *left_slope,
                              const float *right_threshold, const float *right_slope) {
  for (int64_t i = 0; i < rows; i++) {
    const float tl = left_threshold[i], al = left_slope[i], tr = right_threshold[i], ar = right_slope[i];
    const float *xr = x + i * batch;
    float *yr = y + i * batch;
    for (int64_t k = 0; k < batch; k++) {
      float v = xr[k];
      float right = tr + ar * (v - tr), left = tl + al * (v - tl);
      yr[k] = v >= tr ? right : (v <= tl ? left : v);
    }
  }
}

void sprig_gather_columns(const float *src, int64_t features, const int64_t *indices, int64_t n, float *dst) {
  // Sixteen samples at a time: each step reads one feature of sixteen rows
  // (sixteen sequential streams) and writes one whole 64-byte line.
  int64_t j0 = 0;
  for (; j0 + 16 <= n; j0 += 16) {
    const float *rows[16];
    for (int j = 0; j < 16; j++) rows[j] = src + indices[j0 + j] * features;
    for (int64_t k = 0; k < features; k++) {
      float line[16];
      for (int j = 0; j < 16; j++) line[j] = rows[j][k];
      memcpy(dst + k * n + j0, line, sizeof line);
    }
  }
  for (; j0 < n; j0++) {
    const float *row = src + indices[j0] * features;
    for (int64_t k = 0; k < features; k++) dst[k * n + j0] = row[k];
  }
}

void sprig_relu_forward(const float *x, float *y, int64_t n) {
  const f8 zero = splatf8(0);
  int64_t k = 0;
  for (; k + 8 <= n; k += 8) {
    const f8 v = loadf8(x + k);
    storef8(y + k, keep(v, (i8)(v > zero)));
  }
  for (; k < n; k++) y[k] = x[k] > 0 ? x[k] : 0;
}

void sprig_relu_backward(const float *x, const float *dy, float *dx, int64_t n) {
  const f8 zero = splatf8(0);
  int64_t k = 0;
  for (; k + 8 <= n; k += 8) storef8(dx + k, keep(loadf8(dy + k), (i8)(loadf8(x + k) > zero)));
  for (; k < n; k++) dx[k] = x[k] > 0 ? dy[k] : 0;
}
