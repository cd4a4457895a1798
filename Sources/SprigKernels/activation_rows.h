// The row loops of SReLU and dropout, shared by their own passes
// (Activations.c) and by the SpMM, which applies them to each output row it
// finishes (sprig_epilogue). One definition, and floating-point contraction
// off inside it, so that both give the same bits on every instruction set:
// an FMA formed in the AVX2 variant and not in the portable one would move
// the last bit.
#ifndef SPRIG_ACTIVATION_ROWS_H
#define SPRIG_ACTIVATION_ROWS_H

#include <stdint.h>
#include <string.h>

// The portable variants pass 8-lane vectors between these inlined helpers;
// the ABI note clang gives for that does not apply to them.
#pragma clang diagnostic ignored "-Wpsabi"

typedef float act_f8 __attribute__((vector_size(32), aligned(4)));
typedef int32_t act_i8 __attribute__((vector_size(32), aligned(4)));
typedef uint32_t act_u8 __attribute__((vector_size(32), aligned(4)));
typedef uint8_t act_b8 __attribute__((vector_size(8), aligned(1)));

static inline __attribute__((always_inline)) act_f8 act_load(const float *p) { act_f8 v; memcpy(&v, p, sizeof v); return v; }
static inline __attribute__((always_inline)) void act_store(float *p, act_f8 v) { memcpy(p, &v, sizeof v); }
static inline __attribute__((always_inline)) act_f8 act_splat(float v) { return (act_f8){v, v, v, v, v, v, v, v}; }
static inline __attribute__((always_inline)) float act_sum(act_f8 v) {
  return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
}
static inline __attribute__((always_inline)) act_f8 act_keep(act_f8 v, act_i8 mask) { return (act_f8)((act_i8)v & mask); }

// A 32-bit integer hash with good avalanche (Wellons' lowbias32), on eight
// 32-bit lanes: it vectorizes, where a 64-bit generator stays scalar.
static inline __attribute__((always_inline)) act_u8 act_hash32x8(act_u8 x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

// y[c] = x[c]·(scale or 0) for c in [0, n), element c deciding by a hash of
// (seed, first + c), and kept[c] = 1 where it is kept: the loop carries no
// serial generator state (eight elements per instruction), and the backward
// reads the decisions back (dropout_backward_row) instead of hashing again.
// One round of the hash per element, over the index keyed by the seed after
// a splitmix64 finalizer: without it, seeds differing by d in their low word
// gave masks shifted by d elements. (Two rounds per element, hashed again
// in the backward, cost 7 % of a SET-MLP step with the SET paper's settings.)
static inline __attribute__((always_inline)) void dropout_row(const float *x, float *y, uint8_t *kept, int64_t n,
                                                               int64_t first, uint64_t seed, uint32_t keep_threshold,
                                                               float scale) {
  uint64_t key = seed + 0x9e3779b97f4a7c15ULL;
  key = (key ^ (key >> 30)) * 0xbf58476d1ce4e5b9ULL;
  key = (key ^ (key >> 27)) * 0x94d049bb133111ebULL;
  key ^= key >> 31;
  const uint32_t lo = (uint32_t)key, hi = (uint32_t)(key >> 32);
  // Explicit vectors: the loop runs in place (x == y), where the
  // vectorizer's overlap check sends a plain loop to its scalar version.
  const act_u8 step = {0, 1, 2, 3, 4, 5, 6, 7};
  const act_f8 scales = act_splat(scale);
  int64_t c = 0;
  for (; c + 8 <= n; c += 8) {
    const act_u8 index = (uint32_t)(first + c) + step;
    const act_i8 keep = (act_i8)((act_hash32x8((index ^ hi) + lo) >> 8) < keep_threshold);
    act_store(y + c, act_load(x + c) * (act_f8)((act_i8)scales & keep));
    const act_b8 bytes = __builtin_convertvector(keep & 1, act_b8);
    memcpy(kept + c, &bytes, sizeof bytes);
  }
  if (c < n) {  // the last lanes, from one more vector of hashes
    const act_u8 index = (uint32_t)(first + c) + step, h = act_hash32x8((index ^ hi) + lo);
    for (int j = 0; c + j < n; j++) {
      const int keep = (h[j] >> 8) < keep_threshold;
      kept[c + j] = (uint8_t)keep;
      y[c + j] = x[c + j] * (keep ? scale : 0.0f);
    }
  }
}

// The backward of dropout_row: dx[c] = dy[c]·(scale or 0) by its decisions.
static inline __attribute__((always_inline)) void dropout_backward_row(const float *dy, float *dx, const uint8_t *kept,
                                                                        int64_t n, float scale) {
  const act_f8 scales = act_splat(scale);
  int64_t c = 0;
  for (; c + 8 <= n; c += 8) {
    act_b8 bytes;
    memcpy(&bytes, kept + c, sizeof bytes);
    const act_i8 keep = -__builtin_convertvector(bytes, act_i8);  // 1 → all bits set
    act_store(dx + c, act_load(dy + c) * (act_f8)((act_i8)scales & keep));
  }
  for (; c < n; c++) dx[c] = dy[c] * (kept[c] ? scale : 0.0f);
}

// SReLU's forward over one unit's row (see SReLU.swift for the branches).
static inline __attribute__((always_inline)) void srelu_forward_row(const float *x, float *y, int64_t n, float tl,
                                                                     float al, float tr, float ar) {
#pragma clang fp contract(off)
  for (int64_t c = 0; c < n; c++) {
    const float v = x[c];
    const float right = tr + ar * (v - tr), left = tl + al * (v - tl);
    y[c] = v >= tr ? right : (v <= tl ? left : v);
  }
}

// SReLU's backward over one unit's row, branch-free (which branch an
// element takes is random, and mispredicted branches made this loop a third
// of a SET-MLP step): dx = slope(x)·dy when dx is not NULL (it may be dy),
// and s = (Σ dy, Σ dy·x) over x ≥ tʳ, then over x ≤ tˡ (x < tʳ).
static inline __attribute__((always_inline)) void srelu_backward_row(const float *x, const float *dy, float *dx,
                                                                      int64_t n, float tl, float al, float tr,
                                                                      float ar, float s[4]) {
#pragma clang fp contract(off)
  act_f8 r = act_splat(0), rx = act_splat(0), l = act_splat(0), lx = act_splat(0);
  const act_f8 tlv = act_splat(tl), trv = act_splat(tr), alv = act_splat(al), arv = act_splat(ar), one = act_splat(1);
  int64_t k = 0;
  for (; k + 8 <= n; k += 8) {
    const act_f8 v = act_load(x + k), g = act_load(dy + k);
    const act_i8 right = (act_i8)(v >= trv), left = (act_i8)(v <= tlv) & ~right;
    const act_f8 gr = act_keep(g, right), gl = act_keep(g, left);
    r += gr;
    rx += gr * v;
    l += gl;
    lx += gl * v;
    if (dx) {
      const act_f8 slope = (act_f8)(((act_i8)arv & right) | ((act_i8)alv & left) | ((act_i8)one & ~(right | left)));
      act_store(dx + k, slope * g);
    }
  }
  s[0] = act_sum(r), s[1] = act_sum(rx), s[2] = act_sum(l), s[3] = act_sum(lx);
  for (; k < n; k++) {
    const float v = x[k], g = dy[k];
    const int right = v >= tr, left = !right && v <= tl;
    if (right) { s[0] += g; s[1] += g * v; }
    if (left) { s[2] += g; s[3] += g * v; }
    if (dx) dx[k] = (right ? ar : left ? al : 1.0f) * g;
  }
}


#endif
