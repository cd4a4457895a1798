// The bfloat16 kernels' bodies: the forward SpMM and the SDDMM reading
// activations and gradients stored as bfloat16 (the upper 16 bits of an
// IEEE float), accumulating in FP32 with FP32 weights. Included by
// Kernels.c once per variant, like kernel_body.h, with SPRIG_SUFFIX,
// SPRIG_W (FP32 lanes), vecw/vecu (W floats / W 32-bit words = 2W bf16
// values) and SPRIG_TILE in force; SPRIG_DPBF16 selects AVX-512 BF16's
// vdpbf16ps for the dot products.
//
// Why bf16 pays: at 1000×1000 and 4 % the FP32 kernels ran at 79–88 % of
// what reading their gathered FP32 rows allows (sprig-bench kernels'
// read-ceiling), so they are bound by the bytes of the activations, and
// half the bytes is the next factor.
//
// A word of two bf16 values holds columns 2i (low half) and 2i+1 (high
// half); widening is a shift or a mask, so the forward's accumulators hold
// the even and the odd columns apart and are interleaved when stored.

#define SPRIG_CAT2(a, b) a##b
#define SPRIG_CAT(a, b) SPRIG_CAT2(a, b)
#define SPRIG_NAME(name) SPRIG_CAT(name, SPRIG_SUFFIX)

static inline vecu SPRIG_NAME(bf16_load_)(const uint16_t *p) { vecu v; memcpy(&v, p, sizeof v); return v; }
static inline vecw SPRIG_NAME(bf16_even_)(vecu u) { return (vecw)(u << 16); }
static inline vecw SPRIG_NAME(bf16_odd_)(vecu u) { return (vecw)(u & 0xFFFF0000u); }

// acc + Σ over the word pairs of a·b: one vdpbf16ps with AVX-512 BF16,
// else the two widened products.
static inline vecw SPRIG_NAME(bf16_dot_)(vecw acc, vecu a, vecu b) {
#if SPRIG_DPBF16
  return (vecw)_mm512_dpbf16_ps((__m512)acc, (__m512bh)a, (__m512bh)b);
#else
  return acc + SPRIG_NAME(bf16_even_)(a) * SPRIG_NAME(bf16_even_)(b) +
         SPRIG_NAME(bf16_odd_)(a) * SPRIG_NAME(bf16_odd_)(b);
#endif
}

#if SPRIG_W == 16
#define SPRIG_BF16_LO(e, o) __builtin_shufflevector(e, o, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23)
#define SPRIG_BF16_HI(e, o) __builtin_shufflevector(e, o, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31)
#define SPRIG_BF16_EVENS(a, b) __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30)
#define SPRIG_BF16_ODDS(a, b) __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31)
#else
#define SPRIG_BF16_LO(e, o) __builtin_shufflevector(e, o, 0, 8, 1, 9, 2, 10, 3, 11)
#define SPRIG_BF16_HI(e, o) __builtin_shufflevector(e, o, 4, 12, 5, 13, 6, 14, 7, 15)
#define SPRIG_BF16_EVENS(a, b) __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14)
#define SPRIG_BF16_ODDS(a, b) __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15)
#endif

// One output row over `P` words of 2W columns: the accumulators (even and
// odd columns apart) stay in registers while the row's connections stream
// past, each a read of P·4W contiguous bytes, half the FP32 tile's.
static inline __attribute__((always_inline)) void SPRIG_NAME(spmm_bf16_tile_)(
    const int32_t *col_idx, const int32_t *value_index, const float *values, int32_t k0, int32_t k1, float b0,
    const uint16_t *x, int64_t ldx, float *yr, int add, const int P) {
  vecw e[SPRIG_TILE / (2 * SPRIG_W)], o[SPRIG_TILE / (2 * SPRIG_W)];
  for (int t = 0; t < P; t++) {
    if (add) {
      const vecw lo = loadw(yr + 2 * SPRIG_W * t), hi = loadw(yr + 2 * SPRIG_W * t + SPRIG_W);
      e[t] = SPRIG_BF16_EVENS(lo, hi);
      o[t] = SPRIG_BF16_ODDS(lo, hi);
    } else {
      e[t] = o[t] = splatw(b0);
    }
  }
  for (int32_t k = k0; k < k1; k++) {
    const float w = values[value_index ? value_index[k] : k];
    const uint16_t *xr = x + (int64_t)col_idx[k] * ldx;
    if (k + prefetch_distance < k1) {
      const char *next = (const char *)(x + (int64_t)col_idx[k + prefetch_distance] * ldx);
      for (int line = 0; line < P * 4 * SPRIG_W; line += 64) __builtin_prefetch(next + line);
    }
    for (int t = 0; t < P; t++) {
      const vecu u = SPRIG_NAME(bf16_load_)(xr + 2 * SPRIG_W * t);
      e[t] += w * SPRIG_NAME(bf16_even_)(u);
      o[t] += w * SPRIG_NAME(bf16_odd_)(u);
    }
  }
  for (int t = 0; t < P; t++) {
    storew(yr + 2 * SPRIG_W * t, SPRIG_BF16_LO(e[t], o[t]));
    storew(yr + 2 * SPRIG_W * t + SPRIG_W, SPRIG_BF16_HI(e[t], o[t]));
  }
}

static void SPRIG_NAME(spmm_bf16_rows_)(const int32_t *row_ptr, const int32_t *col_idx,
                                        const int32_t *value_index, const float *values, const float *bias,
                                        const uint16_t *x, int64_t ldx, float *y, int64_t ldy, int64_t batch,
                                        int64_t row_begin, int64_t row_end, const sprig_epilogue *epilogue,
                                        const sprig_column_block *block) {
  const int add = block && !block->first;
  if (block && !block->last) epilogue = 0;
  for (int64_t r = row_begin; r < row_end; r++) {
    const float b0 = bias ? bias[r] : 0.0f;
    int32_t k0, k1;
    block_run(block, row_ptr, col_idx, r, &k0, &k1);
    float *yr = y + r * ldy;
    if (!(add && k0 == k1)) {
      int64_t b = 0;
      for (; b + SPRIG_TILE <= batch; b += SPRIG_TILE)
        SPRIG_NAME(spmm_bf16_tile_)(col_idx, value_index, values, k0, k1, b0, x + b, ldx, yr + b, add,
                                    SPRIG_TILE / (2 * SPRIG_W));
      for (; b + 2 * SPRIG_W <= batch; b += 2 * SPRIG_W)
        SPRIG_NAME(spmm_bf16_tile_)(col_idx, value_index, values, k0, k1, b0, x + b, ldx, yr + b, add, 1);
      for (; b < batch; b++) {
        float a = add ? yr[b] : b0;
        for (int32_t k = k0; k < k1; k++)
          a += values[value_index ? value_index[k] : k] * bf16_widen(x[(int64_t)col_idx[k] * ldx + b]);
        yr[b] = a;
      }
    }
    if (epilogue) finish_row(epilogue, r, yr, ldy, batch);
  }
}

// One row of the SDDMM over a slice of 8W batch columns (128 with AVX-512):
// the slice of dY stays in four registers of words, as the FP32 kernel's
// sliced form keeps its eight, four connections at a time. `add` is 0 for
// the first slice, which stores over the base, and 1 for later ones.
static inline void SPRIG_NAME(sddmm_bf16_slice_)(const int32_t *col_idx, int32_t k, int32_t k1, const uint16_t *dyr,
                                                 const uint16_t *x, int64_t ldx, float *gradient,
                                                 const sprig_gradient_store *store, int add) {
  vecu d[4];
  for (int t = 0; t < 4; t++) d[t] = SPRIG_NAME(bf16_load_)(dyr + 2 * SPRIG_W * t);
  const vecw z = splatw(0);
  for (; k + 4 <= k1; k += 4) {
    if (prefetch_distance > 0) {
      for (int j = 0; j < 4 && k + prefetch_distance + j < k1; j++) {
        const char *next = (const char *)(x + (int64_t)col_idx[k + prefetch_distance + j] * ldx);
        for (int line = 0; line < 16 * SPRIG_W; line += 64) __builtin_prefetch(next + line);
      }
    }
    const uint16_t *xs[4];
    for (int j = 0; j < 4; j++) xs[j] = x + (int64_t)col_idx[k + j] * ldx;
    vecw a[4], c[4];
    for (int j = 0; j < 4; j++) {
      a[j] = SPRIG_NAME(bf16_dot_)(z, d[0], SPRIG_NAME(bf16_load_)(xs[j]));
      c[j] = SPRIG_NAME(bf16_dot_)(z, d[1], SPRIG_NAME(bf16_load_)(xs[j] + 2 * SPRIG_W));
    }
    for (int j = 0; j < 4; j++) {
      a[j] = SPRIG_NAME(bf16_dot_)(a[j], d[2], SPRIG_NAME(bf16_load_)(xs[j] + 4 * SPRIG_W));
      c[j] = SPRIG_NAME(bf16_dot_)(c[j], d[3], SPRIG_NAME(bf16_load_)(xs[j] + 6 * SPRIG_W));
    }
    const v4f s = hsum4w(a[0] + c[0], a[1] + c[1], a[2] + c[2], a[3] + c[3]);
    for (int j = 0; j < 4; j++) gradient[k + j] = (add ? gradient[k + j] : gradient_base(store, gradient, k + j)) + s[j];
  }
  for (; k < k1; k++) {
    const uint16_t *xr = x + (int64_t)col_idx[k] * ldx;
    vecw a = SPRIG_NAME(bf16_dot_)(z, d[0], SPRIG_NAME(bf16_load_)(xr));
    vecw c = SPRIG_NAME(bf16_dot_)(z, d[1], SPRIG_NAME(bf16_load_)(xr + 2 * SPRIG_W));
    a = SPRIG_NAME(bf16_dot_)(a, d[2], SPRIG_NAME(bf16_load_)(xr + 4 * SPRIG_W));
    c = SPRIG_NAME(bf16_dot_)(c, d[3], SPRIG_NAME(bf16_load_)(xr + 6 * SPRIG_W));
    gradient[k] = (add ? gradient[k] : gradient_base(store, gradient, k)) + hsum4w(a + c, z, z, z)[0];
  }
}

// G[k] = dot(dY[r, :], X[col_idx[k], :]) with both in bf16, four
// connections at a time (each dY word loaded once for four dot products;
// two accumulators a connection hide the dot's latency).
static void SPRIG_NAME(sddmm_bf16_rows_)(const int32_t *row_ptr, const int32_t *col_idx, const uint16_t *dy,
                                         int64_t lddy, const uint16_t *x, int64_t ldx, float *gradient,
                                         const sprig_gradient_store *store, int64_t batch, int64_t row_begin,
                                         int64_t row_end, const sprig_column_block *block) {
  const int64_t words = batch - batch % (2 * SPRIG_W);
  const vecw z = splatw(0);
  for (int64_t r = row_begin; r < row_end; r++) {
    const uint16_t *dyr = dy + r * lddy;
    int32_t k, k1;
    block_run(block, row_ptr, col_idx, r, &k, &k1);
    if (sddmm_slices && batch % (8 * SPRIG_W) == 0) {
      for (int64_t b = 0; b < batch; b += 8 * SPRIG_W)
        SPRIG_NAME(sddmm_bf16_slice_)(col_idx, k, k1, dyr + b, x + b, ldx, gradient, store, b > 0);
      continue;
    }
    for (; k + 4 <= k1; k += 4) {
      if (prefetch_distance > 0) {
        for (int j = 0; j < 4 && k + prefetch_distance + j < k1; j++) {
          const char *next = (const char *)(x + (int64_t)col_idx[k + prefetch_distance + j] * ldx);
          for (int64_t line = 0; line < batch * 2; line += 64) __builtin_prefetch(next + line);
        }
      }
      const uint16_t *xs[4];
      for (int j = 0; j < 4; j++) xs[j] = x + (int64_t)col_idx[k + j] * ldx;
      vecw a[4] = {z, z, z, z}, c[4] = {z, z, z, z};
      int64_t b = 0;
      for (; b + 4 * SPRIG_W <= words; b += 4 * SPRIG_W) {
        const vecu d = SPRIG_NAME(bf16_load_)(dyr + b), f = SPRIG_NAME(bf16_load_)(dyr + b + 2 * SPRIG_W);
        for (int j = 0; j < 4; j++) {
          a[j] = SPRIG_NAME(bf16_dot_)(a[j], d, SPRIG_NAME(bf16_load_)(xs[j] + b));
          c[j] = SPRIG_NAME(bf16_dot_)(c[j], f, SPRIG_NAME(bf16_load_)(xs[j] + b + 2 * SPRIG_W));
        }
      }
      for (; b < words; b += 2 * SPRIG_W) {
        const vecu d = SPRIG_NAME(bf16_load_)(dyr + b);
        for (int j = 0; j < 4; j++) a[j] = SPRIG_NAME(bf16_dot_)(a[j], d, SPRIG_NAME(bf16_load_)(xs[j] + b));
      }
      const v4f s = hsum4w(a[0] + c[0], a[1] + c[1], a[2] + c[2], a[3] + c[3]);
      for (int j = 0; j < 4; j++) {
        float g = s[j];
        for (int64_t t = b; t < batch; t++) g += bf16_widen(dyr[t]) * bf16_widen(xs[j][t]);
        gradient[k + j] = gradient_base(store, gradient, k + j) + g;
      }
    }
    for (; k < k1; k++) {
      const uint16_t *xr = x + (int64_t)col_idx[k] * ldx;
      vecw a = z;
      int64_t b = 0;
      for (; b < words; b += 2 * SPRIG_W)
        a = SPRIG_NAME(bf16_dot_)(a, SPRIG_NAME(bf16_load_)(dyr + b), SPRIG_NAME(bf16_load_)(xr + b));
      float g = hsum4w(a, z, z, z)[0];
      for (; b < batch; b++) g += bf16_widen(dyr[b]) * bf16_widen(xr[b]);
      gradient[k] = gradient_base(store, gradient, k) + g;
    }
  }
}

// sprig_bf16_round's loop, here so that each variant vectorizes it at its
// own width (from the baseline build it ran 4 lanes wide and took 8 % of a
// bf16 SET-MLP epoch); integer operations only, so every variant gives
// the same bits.
static void SPRIG_NAME(bf16_round_)(const float *x, uint16_t *y, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    uint32_t u;
    memcpy(&u, x + i, sizeof u);
    const uint32_t rounded = (u + 0x7FFFu + ((u >> 16) & 1u)) >> 16;
    y[i] = (uint16_t)((u & 0x7FFFFFFFu) > 0x7F800000u ? (u >> 16) | 0x0040u : rounded);
  }
}

#undef SPRIG_BF16_LO
#undef SPRIG_BF16_HI
#undef SPRIG_BF16_EVENS
#undef SPRIG_BF16_ODDS
#undef SPRIG_NAME
#undef SPRIG_CAT
#undef SPRIG_CAT2
