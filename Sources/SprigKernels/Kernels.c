// SprigKernels: CSR kernels compiled three times (AVX-512, AVX2+FMA, portable)
// and dispatched at run time, so Sprig is fast as a dependency without
// -target-cpu or unsafeFlags.
#include "SprigKernels.h"
#include "activation_rows.h"

#ifndef SPRIG_PREFETCH
#define SPRIG_PREFETCH 4
#endif

#include <string.h>

// The experiment knobs of sprig_kernels_set_tuning. Connections ahead whose
// input rows are prefetched.
static int prefetch_distance = SPRIG_PREFETCH;
// The forward's four-connection tile (0 off, 1 on; -1: the variant's own
// default, SPRIG_QUADS below) and the SDDMM's register-held slices of dY
// (0 off), switchable to measure them against the loops they replaced.
static int spmm_quads = -1;
static int sddmm_slices = 1;

// The portable variant passes 8-lane vectors between inlined helpers; the
// ABI note clang gives for that does not apply to static functions.
#pragma clang diagnostic ignored "-Wpsabi"

typedef float v8f __attribute__((vector_size(32), aligned(4)));
typedef float v16f __attribute__((vector_size(64), aligned(4)));

typedef float v4f __attribute__((vector_size(16), aligned(4)));
// Words of two bfloat16 values, for bf16_body.h.
typedef uint32_t v16u __attribute__((vector_size(64), aligned(2)));
typedef uint32_t v8u __attribute__((vector_size(32), aligned(2)));

// A bfloat16 value widened to the float whose upper half it is.
static inline float bf16_widen(uint16_t v) {
  const uint32_t u = (uint32_t)v << 16;
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

// What a weight-gradient kernel adds its dot product g to at entry k (see
// sprig_gradient_store): 0, or SGD's decayed velocity and weight decay, so
// that out[k] ends as μ·v + λ·w + g and the gradient is never stored.
static inline float gradient_base(const sprig_gradient_store *s, const float *out, int64_t k) {
  return s && s->weights ? s->momentum * out[k] + s->decay * s->weights[k] : 0.0f;
}

// Σ d[0..<batch] with eight partial sums (a single scalar sum is a serial
// chain of float additions that the compiler may not reorder); the one
// summation of sprig_row_sums and of the SpMM's row sums, so both agree.
static inline float row_sum(const float *d, int64_t batch) {
  v8f acc = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t b = 0;
  for (; b + 8 <= batch; b += 8) {
    v8f v;
    memcpy(&v, d + b, sizeof v);
    acc += v;
  }
  float s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
  for (; b < batch; b++) s += d[b];
  return s;
}

// Row r's connections in `block` (see sprig_column_block): [*k0, *k1), the
// cursor moved past them; without a block or a cursor, the whole row.
static inline void block_run(const sprig_column_block *block, const int32_t *row_ptr, const int32_t *col_idx,
                             int64_t r, int32_t *k0, int32_t *k1) {
  if (!block || !block->cursor) {
    *k0 = row_ptr[r];
    *k1 = row_ptr[r + 1];
    return;
  }
  int32_t k = block->first ? row_ptr[r] : block->cursor[r];
  const int32_t end = row_ptr[r + 1];
  *k0 = k;
  while (k < end && col_idx[k] < block->column_end) k++;
  *k1 = block->cursor[r] = k;
}

// sprig_epilogue's steps on the finished row r of Y (`yr`), in the order the
// header gives. Inlined into each variant's SpMM, it compiles for that ISA.
static inline __attribute__((always_inline)) void finish_row(const sprig_epilogue *e, int64_t r, float *yr,
                                                              int64_t ldy, int64_t batch) {
  if (e->rectify)
    for (int64_t c = 0; c < batch; c++) yr[c] = yr[c] > 0 ? yr[c] : 0.0f;  // as sprig_relu_forward
  if (e->relu_output) {
    const float *mr = e->relu_output + r * ldy;
    for (int64_t c = 0; c < batch; c++) yr[c] = mr[c] > 0 ? yr[c] : 0.0f;
  }
  if (e->activated) {
    float *ar = e->activated + r * ldy;
    srelu_forward_row(yr, ar, batch, e->left_threshold[r], e->left_slope[r], e->right_threshold[r],
                      e->right_slope[r]);
    if (e->dropout_kept)
      dropout_row(ar, ar, e->dropout_kept + r * ldy, batch, r * ldy, e->dropout_seed, e->keep_threshold,
                  e->dropout_scale);
  }
  if (e->srelu_input) {
    if (e->dropout_kept) dropout_backward_row(yr, yr, e->dropout_kept + r * ldy, batch, e->dropout_scale);
    srelu_backward_row(e->srelu_input + r * ldy, yr, yr, batch, e->left_threshold[r], e->left_slope[r],
                       e->right_threshold[r], e->right_slope[r], e->srelu_sums + 4 * r);
  }
  if (e->row_sums) e->row_sums[r] = row_sum(yr, batch);
}

// hsum4_8(a, b, c, d) = (Σa, Σb, Σc, Σd): one shuffle tree for four dot
// products instead of four separate horizontal sums.
#define SPRIG_HELPERS                                                          \
  static inline v4f hsum4_8(v8f a, v8f b, v8f c, v8f d) {                     \
    v8f ab = __builtin_shufflevector(a, b, 0, 1, 2, 3, 8, 9, 10, 11) +       \
             __builtin_shufflevector(a, b, 4, 5, 6, 7, 12, 13, 14, 15);      \
    v8f cd = __builtin_shufflevector(c, d, 0, 1, 2, 3, 8, 9, 10, 11) +       \
             __builtin_shufflevector(c, d, 4, 5, 6, 7, 12, 13, 14, 15);      \
    v8f u = __builtin_shufflevector(ab, cd, 0, 1, 4, 5, 8, 9, 12, 13) +      \
            __builtin_shufflevector(ab, cd, 2, 3, 6, 7, 10, 11, 14, 15);     \
    return __builtin_shufflevector(u, u, 0, 2, 4, 6) + __builtin_shufflevector(u, u, 1, 3, 5, 7); \
  }                                                                           \
  static inline v8f splat8(float v) { return (v8f){v, v, v, v, v, v, v, v}; } \
  static inline v8f load8(const float *p) { v8f v; memcpy(&v, p, sizeof v); return v; } \
  static inline void store8(float *p, v8f v) { memcpy(p, &v, sizeof v); }    \
  static inline float hsum8(v8f v) {                                          \
    return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7])); \
  }

#if defined(__x86_64__) && defined(__clang__)
#define SPRIG_HAVE_X86 1
#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx2,fma"))), apply_to = function)
#define splat8 splat8_avx512
#define load8 load8_avx512
#define store8 store8_avx512
#define hsum8 hsum8_avx512
#define hsum4_8 hsum4_8_avx512
SPRIG_HELPERS
// Full-width vectors: on CPUs with two 512-bit FMA units (Intel server
// cores) they halve the instructions per connection; on Zen 4, which splits
// them in two, they measured the same as 8 lanes.
static inline v16f load16(const float *p) { v16f v; memcpy(&v, p, sizeof v); return v; }
static inline void store16(float *p, v16f v) { memcpy(p, &v, sizeof v); }
static inline v16f splat16(float v) { return (v16f){v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v}; }
static inline v8f fold16(v16f v) {
  return __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7) +
         __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15);
}
static inline v4f hsum4_16(v16f a, v16f b, v16f c, v16f d) {
  return hsum4_8(fold16(a), fold16(b), fold16(c), fold16(d));
}
#define vecw v16f
#define SPRIG_W 16
#define loadw load16
#define storew store16
#define splatw splat16
#define hsum4w hsum4_16
#define SPRIG_SUFFIX avx512
#define vecu v16u
#define SPRIG_DPBF16 0
#define SPRIG_SLICED_SDDMM 1
// Eight 512-bit accumulators per row already hide the multiply-add latency
// the quads were made for (Zen 3's AVX2): on Zen 4 the one-at-a-time tile
// measured about 10 % faster (1000x1000 4 %, batch 128, six paired runs:
// median 48.2 against 42.9 GFLOP/s).
#define SPRIG_QUADS 0
#define SPRIG_BTILE 128
#define SPRIG_TILE 128
#include "kernel_body.h"
#include "narrow_body.h"
#include "bf16_body.h"
#undef SPRIG_SUFFIX
#undef SPRIG_DPBF16
#undef SPRIG_QUADS
#undef SPRIG_SLICED_SDDMM
#undef SPRIG_TILE
#undef SPRIG_BTILE
#undef splat8
#undef load8
#undef store8
#undef hsum8
#undef hsum4_8
#pragma clang attribute pop

// The bf16 kernels again with AVX-512 BF16's dot products (Zen 4, Cooper
// Lake, Sapphire Rapids), over the AVX-512 helpers above.
#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512bw,avx512bf16,avx2,fma"))), apply_to = function)
#define SPRIG_SUFFIX avx512bf16
#define SPRIG_DPBF16 1
#define SPRIG_TILE 128
#include "bf16_body.h"
#undef SPRIG_SUFFIX
#undef SPRIG_DPBF16
#undef SPRIG_TILE
#undef vecw
#undef vecu
#undef SPRIG_W
#undef loadw
#undef storew
#undef splatw
#undef hsum4w
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#define splat8 splat8_avx2
#define load8 load8_avx2
#define store8 store8_avx2
#define hsum8 hsum8_avx2
#define hsum4_8 hsum4_8_avx2
SPRIG_HELPERS
#define vecw v8f
#define SPRIG_W 8
#define loadw load8
#define storew store8
#define splatw splat8
#define hsum4w hsum4_8
#define SPRIG_SUFFIX avx2
#define vecu v8u
#define SPRIG_DPBF16 0
#define SPRIG_SLICED_SDDMM 1
#define SPRIG_QUADS 1
#define SPRIG_BTILE 64
#define SPRIG_TILE 64
#include "kernel_body.h"
#include "narrow_body.h"
#include "bf16_body.h"
#undef vecu
#undef SPRIG_DPBF16
#undef SPRIG_SUFFIX
#undef SPRIG_QUADS
#undef SPRIG_SLICED_SDDMM
#undef SPRIG_TILE
#undef SPRIG_BTILE
#undef vecw
#undef SPRIG_W
#undef loadw
#undef storew
#undef splatw
#undef hsum4w
#undef splat8
#undef load8
#undef store8
#undef hsum8
#undef hsum4_8
#pragma clang attribute pop
#endif

SPRIG_HELPERS
#define vecw v8f
#define SPRIG_W 8
#define loadw load8
#define storew store8
#define splatw splat8
#define hsum4w hsum4_8
#define SPRIG_SUFFIX generic
#define vecu v8u
#define SPRIG_DPBF16 0
#define SPRIG_QUADS 1
#define SPRIG_BTILE 32
#define SPRIG_TILE 32
#include "kernel_body.h"
#include "narrow_body.h"
#include "bf16_body.h"
#undef vecu
#undef SPRIG_DPBF16
#undef SPRIG_SUFFIX
#undef SPRIG_QUADS
#undef SPRIG_SLICED_SDDMM
#undef SPRIG_TILE
#undef SPRIG_BTILE
#undef vecw
#undef SPRIG_W
#undef loadw
#undef storew
#undef splatw
#undef hsum4w

static sprig_isa detect(void) {
#ifdef SPRIG_HAVE_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) return SPRIG_ISA_AVX512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return SPRIG_ISA_AVX2;
#endif
  return SPRIG_ISA_GENERIC;
}

// -1 until first use; a plain int is enough because every thread computes
// the same value.
static int active_isa = -1;

sprig_isa sprig_kernels_detected_isa(void) { return detect(); }

sprig_isa sprig_kernels_active_isa(void) {
  if (active_isa < 0) active_isa = (int)detect();
  return (sprig_isa)active_isa;
}

void sprig_kernels_set_tuning(int prefetch, int slices, int quads) {
  prefetch_distance = prefetch < 0 ? SPRIG_PREFETCH : prefetch;
  sddmm_slices = slices < 0 ? 1 : slices != 0;
  spmm_quads = quads < 0 ? -1 : quads != 0;
}

sprig_isa sprig_kernels_force_isa(sprig_isa isa) {
  sprig_isa best = detect();
  active_isa = (int)(isa > best ? best : isa);
  return (sprig_isa)active_isa;
}

// Calls the variant of `fn` for the instruction set in force.
#ifdef SPRIG_HAVE_X86
#define SPRIG_DISPATCH(fn, ...)                                                \
  switch (sprig_kernels_active_isa()) {                                        \
  case SPRIG_ISA_AVX512: fn##_avx512(__VA_ARGS__); return;                     \
  case SPRIG_ISA_AVX2: fn##_avx2(__VA_ARGS__); return;                         \
  default: fn##_generic(__VA_ARGS__); return;                                  \
  }
#else
#define SPRIG_DISPATCH(fn, ...) fn##_generic(__VA_ARGS__)
#endif

void sprig_spmm_rows(const int32_t *row_ptr, const int32_t *col_idx,
                     const int32_t *value_index, const float *values,
                     const float *bias, const float *x, int64_t ldx,
                     float *y, int64_t ldy, int64_t batch,
                     int64_t row_begin, int64_t row_end, const sprig_epilogue *epilogue,
                     const sprig_column_block *block) {
  SPRIG_DISPATCH(spmm_rows, row_ptr, col_idx, value_index, values, bias, x, ldx, y, ldy, batch, row_begin, row_end,
                 epilogue, block);
}

void sprig_sddmm_rows(const int32_t *row_ptr, const int32_t *col_idx,
                      const float *dy, int64_t lddy, const float *x,
                      int64_t ldx, float *gradient, const sprig_gradient_store *store, int64_t batch,
                      int64_t row_begin, int64_t row_end, const sprig_column_block *block) {
  SPRIG_DISPATCH(sddmm_rows, row_ptr, col_idx, dy, lddy, x, ldx, gradient, store, batch, row_begin, row_end,
                 block);
}

void sprig_backward_rows(const int32_t *row_ptr, const int32_t *col_idx,
                         const int32_t *value_index, const float *values,
                         const float *dy, int64_t lddy, const float *x, int64_t ldx,
                         float *dx, int64_t lddx, float *gradient, const sprig_gradient_store *store,
                         int64_t batch, int64_t row_begin, int64_t row_end) {
  SPRIG_DISPATCH(backward_rows, row_ptr, col_idx, value_index, values, dy, lddy, x, ldx, dx, lddx, gradient,
                 store, batch, row_begin, row_end);
}

void sprig_row_sums(const float *dy, int64_t lddy, float *out, int64_t batch,
                    int64_t row_begin, int64_t row_end) {
  for (int64_t r = row_begin; r < row_end; r++) out[r] = row_sum(dy + r * lddy, batch);
}

void sprig_narrow_forward(const float *w, int64_t m, int64_t k, const float *bias, const float *x, float *y,
                          int64_t batch, int64_t b_begin, int64_t b_end) {
  SPRIG_DISPATCH(narrow_forward, w, m, k, bias, x, y, batch, b_begin, b_end);
}

void sprig_narrow_input_gradient(const float *w, int64_t m, int64_t k, const float *dy, float *dx, int64_t batch,
                                 int64_t j_begin, int64_t j_end, const sprig_epilogue *epilogue) {
  SPRIG_DISPATCH(narrow_input_gradient, w, m, k, dy, dx, batch, j_begin, j_end, epilogue);
}

void sprig_narrow_weight_gradient(const float *dy, int64_t m, int64_t k, const float *x, float *dw, int64_t batch,
                                  int64_t j_begin, int64_t j_end) {
  SPRIG_DISPATCH(narrow_weight_gradient, dy, m, k, x, dw, batch, j_begin, j_end);
}

float sprig_stream_sum(const float *x, int64_t n) {
#ifdef SPRIG_HAVE_X86
  switch (sprig_kernels_active_isa()) {
  case SPRIG_ISA_AVX512: return stream_sum_avx512(x, n);
  case SPRIG_ISA_AVX2: return stream_sum_avx2(x, n);
  default: break;
  }
#endif
  return stream_sum_generic(x, n);
}

// Whether this CPU has AVX-512 BF16's dot products (-1 until first asked),
// and whether the kernels may use them (tests and benchmarks turn them off
// to run the widening AVX-512 variant).
static int bf16_dot = -1;
static int bf16_dot_allowed = 1;

int sprig_kernels_bf16_dot(void) {
#ifdef SPRIG_HAVE_X86
  if (bf16_dot < 0) {
    __builtin_cpu_init();
    bf16_dot = __builtin_cpu_supports("avx512bf16") ? 1 : 0;
  }
  return bf16_dot && bf16_dot_allowed && sprig_kernels_active_isa() == SPRIG_ISA_AVX512;
#else
  return 0;
#endif
}

int sprig_kernels_allow_bf16_dot(int allow) {
  bf16_dot_allowed = allow ? 1 : 0;
  return sprig_kernels_bf16_dot();
}

// The bf16 kernels' dispatch: the AVX-512 variant with vdpbf16ps where the
// CPU has it.
#ifdef SPRIG_HAVE_X86
#define SPRIG_DISPATCH_BF16(fn, ...)                                           \
  switch (sprig_kernels_active_isa()) {                                        \
  case SPRIG_ISA_AVX512:                                                       \
    if (sprig_kernels_bf16_dot()) fn##_avx512bf16(__VA_ARGS__);                \
    else fn##_avx512(__VA_ARGS__);                                             \
    return;                                                                    \
  case SPRIG_ISA_AVX2: fn##_avx2(__VA_ARGS__); return;                         \
  default: fn##_generic(__VA_ARGS__); return;                                  \
  }
#else
#define SPRIG_DISPATCH_BF16(fn, ...) fn##_generic(__VA_ARGS__)
#endif

void sprig_spmm_bf16_rows(const int32_t *row_ptr, const int32_t *col_idx, const int32_t *value_index,
                          const float *values, const float *bias, const uint16_t *x, int64_t ldx, float *y,
                          int64_t ldy, int64_t batch, int64_t row_begin, int64_t row_end,
                          const sprig_epilogue *epilogue, const sprig_column_block *block) {
  SPRIG_DISPATCH_BF16(spmm_bf16_rows, row_ptr, col_idx, value_index, values, bias, x, ldx, y, ldy, batch,
                      row_begin, row_end, epilogue, block);
}

void sprig_sddmm_bf16_rows(const int32_t *row_ptr, const int32_t *col_idx, const uint16_t *dy, int64_t lddy,
                           const uint16_t *x, int64_t ldx, float *gradient, const sprig_gradient_store *store,
                           int64_t batch, int64_t row_begin, int64_t row_end, const sprig_column_block *block) {
  SPRIG_DISPATCH_BF16(sddmm_bf16_rows, row_ptr, col_idx, dy, lddy, x, ldx, gradient, store, batch, row_begin,
                      row_end, block);
}

// Round to nearest even, as vcvtneps2bf16 does for normal numbers; NaN
// stays a (quiet) NaN, where the rounding add would carry a NaN with only
// low mantissa bits into infinity. In integer C rather than the
// instruction, so that every variant gives the same bits (the instruction
// treats subnormal inputs as zero; this keeps them).
void sprig_bf16_round(const float *x, uint16_t *y, int64_t n) { SPRIG_DISPATCH_BF16(bf16_round, x, y, n); }

void sprig_bf16_widen(const uint16_t *x, float *y, int64_t n) {
  for (int64_t i = 0; i < n; i++) y[i] = bf16_widen(x[i]);
}
