// The kernel bodies, included once per instruction set by Kernels.c with
// SPRIG_SUFFIX naming the variant and a target attribute in force.
// Written with 8-lane vector types so that clang emits FMAs of the target's
// width; the batch is tiled so accumulators stay in registers.

#define SPRIG_CAT2(a, b) a##b
#define SPRIG_CAT(a, b) SPRIG_CAT2(a, b)
#define SPRIG_NAME(name) SPRIG_CAT(name, SPRIG_SUFFIX)

// One output row over a batch tile of SPRIG_TILE floats: the accumulators
// stay in registers while the row's connections stream past, so each
// connection costs one pass over a contiguous input row. The accumulators
// start from the bias, or with `add` from the row's sums of earlier column
// blocks.
static inline void SPRIG_NAME(spmm_tile_)(const int32_t *col_idx, const int32_t *value_index,
                                          const float *values, int32_t k0, int32_t k1, float b0,
                                          const float *x, int64_t ldx, float *yr, int add) {
  vecw a[SPRIG_TILE / SPRIG_W];
  for (int t = 0; t < SPRIG_TILE / SPRIG_W; t++) a[t] = add ? loadw(yr + SPRIG_W * t) : splatw(b0);
  for (int32_t k = k0; k < k1; k++) {
    const float w = values[value_index ? value_index[k] : k];
    const float *xr = x + (int64_t)col_idx[k] * ldx;
    if (k + prefetch_distance < k1) {
      const char *next = (const char *)(x + (int64_t)col_idx[k + prefetch_distance] * ldx);
      for (int line = 0; line < SPRIG_TILE * 4; line += 64) __builtin_prefetch(next + line);
    }
    for (int t = 0; t < SPRIG_TILE / SPRIG_W; t++) a[t] += w * loadw(xr + SPRIG_W * t);
  }
  for (int t = 0; t < SPRIG_TILE / SPRIG_W; t++) storew(yr + SPRIG_W * t, a[t]);
}

// The tile with connections taken four at a time: their products are
// summed apart and added to the accumulators once, which cuts the
// dependency chain through the accumulators to one addition per four
// connections (a multiply-add's latency per connection bounded the
// one-at-a-time loop on Zen 3). Rows of fewer than four connections keep it.
static inline void SPRIG_NAME(spmm_tile_quads_)(const int32_t *col_idx, const float *values, int32_t k0,
                                                int32_t k1, float b0, const float *x, int64_t ldx, float *yr,
                                                int add) {
  vecw a[SPRIG_TILE / SPRIG_W];
  for (int t = 0; t < SPRIG_TILE / SPRIG_W; t++) a[t] = add ? loadw(yr + SPRIG_W * t) : splatw(b0);
  int32_t k = k0;
  for (; k + 4 <= k1; k += 4) {
    float w[4];
    const float *xs[4];
    for (int j = 0; j < 4; j++) {
      w[j] = values[k + j];
      xs[j] = x + (int64_t)col_idx[k + j] * ldx;
    }
    if (k + prefetch_distance + 3 < k1) {
      for (int j = 0; j < 4; j++) {
        const char *n = (const char *)(x + (int64_t)col_idx[k + prefetch_distance + j] * ldx);
        for (int line = 0; line < SPRIG_TILE * 4; line += 64) __builtin_prefetch(n + line);
      }
    }
    for (int t = 0; t < SPRIG_TILE / SPRIG_W; t++)
      a[t] += (w[0] * loadw(xs[0] + SPRIG_W * t) + w[1] * loadw(xs[1] + SPRIG_W * t)) +
              (w[2] * loadw(xs[2] + SPRIG_W * t) + w[3] * loadw(xs[3] + SPRIG_W * t));
  }
  for (; k < k1; k++) {
    const float *xr = x + (int64_t)col_idx[k] * ldx;
    for (int t = 0; t < SPRIG_TILE / SPRIG_W; t++) a[t] += values[k] * loadw(xr + SPRIG_W * t);
  }
  for (int t = 0; t < SPRIG_TILE / SPRIG_W; t++) storew(yr + SPRIG_W * t, a[t]);
}

static void SPRIG_NAME(spmm_rows_)(const int32_t *row_ptr, const int32_t *col_idx,
                                   const int32_t *value_index, const float *values,
                                   const float *bias, const float *x, int64_t ldx,
                                   float *y, int64_t ldy, int64_t batch,
                                   int64_t row_begin, int64_t row_end, const sprig_epilogue *epilogue,
                                   const sprig_column_block *block) {
  const int add = block && !block->first;
  if (block && !block->last) epilogue = 0;
  for (int64_t r = row_begin; r < row_end; r++) {
    const float b0 = bias ? bias[r] : 0.0f;
    int32_t k0, k1;
    block_run(block, row_ptr, col_idx, r, &k0, &k1);
    float *yr = y + r * ldy;
    if (add && k0 == k1) {  // nothing to add in this block
      if (epilogue) finish_row(epilogue, r, yr, ldy, batch);
      continue;
    }
    int64_t b = 0;
    // The backward's gathered values measured no faster in fours. A layer
    // in column blocks adds one connection at a time, so that its sums do
    // not depend on where the blocks split its rows.
    const int quads = (spmm_quads < 0 ? SPRIG_QUADS : spmm_quads) && !value_index && !block && k1 - k0 >= 4;
    for (; quads && b + SPRIG_TILE <= batch; b += SPRIG_TILE)
      SPRIG_NAME(spmm_tile_quads_)(col_idx, values, k0, k1, b0, x + b, ldx, yr + b, add);
    for (; b + SPRIG_TILE <= batch; b += SPRIG_TILE) {
      if (value_index)
        SPRIG_NAME(spmm_tile_)(col_idx, value_index, values, k0, k1, b0, x + b, ldx, yr + b, add);
      else
        SPRIG_NAME(spmm_tile_)(col_idx, 0, values, k0, k1, b0, x + b, ldx, yr + b, add);
    }
    for (; b + 16 <= batch; b += 16) {
      v8f a0 = add ? load8(yr + b) : splat8(b0), a1 = add ? load8(yr + b + 8) : splat8(b0);
      for (int32_t k = k0; k < k1; k++) {
        const float w = values[value_index ? value_index[k] : k];
        const float *xr = x + (int64_t)col_idx[k] * ldx + b;
        a0 += w * load8(xr);
        a1 += w * load8(xr + 8);
      }
      store8(yr + b, a0);
      store8(yr + b + 8, a1);
    }
    for (; b + 8 <= batch; b += 8) {
      v8f a0 = add ? load8(yr + b) : splat8(b0);
      for (int32_t k = k0; k < k1; k++) {
        const float w = values[value_index ? value_index[k] : k];
        a0 += w * load8(x + (int64_t)col_idx[k] * ldx + b);
      }
      store8(yr + b, a0);
    }
    for (; b < batch; b++) {
      float a = add ? yr[b] : b0;
      for (int32_t k = k0; k < k1; k++) {
        const float w = values[value_index ? value_index[k] : k];
        a += w * x[(int64_t)col_idx[k] * ldx + b];
      }
      yr[b] = a;
    }
    if (epilogue) finish_row(epilogue, r, yr, ldy, batch);
  }
}

#ifdef SPRIG_SLICED_SDDMM
// One row of the SDDMM over a slice of 8·SPRIG_W batch columns (128 with
// AVX-512, 64 with AVX2): the slice of dY stays in eight registers and the
// input rows are FMA memory operands, so each connection costs only its
// input's loads (the general loop reloads dY for every group). `add` is 0
// for the first slice, which stores over the base, and 1 for later ones.
static inline void SPRIG_NAME(sddmm_slice_)(const int32_t *col_idx, int32_t k, int32_t k1, const float *dyr,
                                            const float *x, int64_t ldx, float *gradient,
                                            const sprig_gradient_store *store, int add) {
  vecw d[8];
  for (int t = 0; t < 8; t++) d[t] = loadw(dyr + SPRIG_W * t);
  for (; k + 4 <= k1; k += 4) {
#if SPRIG_W == 16
    // (On Zen 3's AVX2 the prefetches only cost: the slice's rows are in L2.)
    if (prefetch_distance > 0) {
      for (int j = 0; j < 4 && k + prefetch_distance + j < k1; j++) {
        const char *next = (const char *)(x + (int64_t)col_idx[k + prefetch_distance + j] * ldx);
        for (int line = 0; line < 32 * SPRIG_W; line += 64) __builtin_prefetch(next + line);
      }
    }
#endif
    const float *xs[4];
    for (int j = 0; j < 4; j++) xs[j] = x + (int64_t)col_idx[k + j] * ldx;
    vecw a[4], c[4];
    for (int j = 0; j < 4; j++) {
      a[j] = d[0] * loadw(xs[j]);
      c[j] = d[1] * loadw(xs[j] + SPRIG_W);
    }
    for (int t = 2; t < 8; t += 2) {
      for (int j = 0; j < 4; j++) {
        a[j] += d[t] * loadw(xs[j] + SPRIG_W * t);
        c[j] += d[t + 1] * loadw(xs[j] + SPRIG_W * (t + 1));
      }
    }
    const v4f s = hsum4w(a[0] + c[0], a[1] + c[1], a[2] + c[2], a[3] + c[3]);
    for (int j = 0; j < 4; j++) gradient[k + j] = (add ? gradient[k + j] : gradient_base(store, gradient, k + j)) + s[j];
  }
  for (; k < k1; k++) {
    const float *xr = x + (int64_t)col_idx[k] * ldx;
    vecw a = d[0] * loadw(xr), c = d[1] * loadw(xr + SPRIG_W);
    for (int t = 2; t < 8; t += 2) {
      a += d[t] * loadw(xr + SPRIG_W * t);
      c += d[t + 1] * loadw(xr + SPRIG_W * (t + 1));
    }
    const vecw z = splatw(0);
    gradient[k] = (add ? gradient[k] : gradient_base(store, gradient, k)) + hsum4w(a + c, z, z, z)[0];
  }
}
#endif

static void SPRIG_NAME(sddmm_rows_)(const int32_t *row_ptr, const int32_t *col_idx,
                                    const float *dy, int64_t lddy, const float *x,
                                    int64_t ldx, float *gradient, const sprig_gradient_store *store,
                                    int64_t batch, int64_t row_begin, int64_t row_end,
                                    const sprig_column_block *block) {
  const int64_t vec_end = batch - batch % 8;
  for (int64_t r = row_begin; r < row_end; r++) {
    const float *dyr = dy + r * lddy;
    int32_t k, k1;
    block_run(block, row_ptr, col_idx, r, &k, &k1);
#ifdef SPRIG_SLICED_SDDMM
    if (sddmm_slices && batch % (8 * SPRIG_W) == 0) {
      for (int64_t b = 0; b < batch; b += 8 * SPRIG_W)
        SPRIG_NAME(sddmm_slice_)(col_idx, k, k1, dyr + b, x + b, ldx, gradient, store, b > 0);
      continue;
    }
#endif
    // Four connections at a time: each dY chunk is loaded once for four
    // dot products, and eight independent accumulators hide FMA latency.
    // (Not in column blocks: the quads' sums differ from the single loop's,
    // so a connection's gradient would depend on where a block starts.)
    for (; !block && k + 4 <= k1; k += 4) {
      // Fetch the rows of the connections `prefetch_distance` ahead: wide
      // layers' inputs live in L3 or DRAM, where latency, not bandwidth, bounds.
      if (prefetch_distance > 0) {
        for (int j = 0; j < 4 && k + prefetch_distance + j < k1; j++) {
          const char *next = (const char *)(x + (int64_t)col_idx[k + prefetch_distance + j] * ldx);
          for (int64_t line = 0; line < batch * 4; line += 64) __builtin_prefetch(next + line);
        }
      }
      const float *x0 = x + (int64_t)col_idx[k] * ldx;
      const float *x1 = x + (int64_t)col_idx[k + 1] * ldx;
      const float *x2 = x + (int64_t)col_idx[k + 2] * ldx;
      const float *x3 = x + (int64_t)col_idx[k + 3] * ldx;
      vecw a0 = splatw(0), a1 = a0, a2 = a0, a3 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0;
      int64_t b = 0;
      for (; b + 2 * SPRIG_W <= vec_end; b += 2 * SPRIG_W) {
        const vecw d = loadw(dyr + b), e = loadw(dyr + b + SPRIG_W);
        a0 += d * loadw(x0 + b); c0 += e * loadw(x0 + b + SPRIG_W);
        a1 += d * loadw(x1 + b); c1 += e * loadw(x1 + b + SPRIG_W);
        a2 += d * loadw(x2 + b); c2 += e * loadw(x2 + b + SPRIG_W);
        a3 += d * loadw(x3 + b); c3 += e * loadw(x3 + b + SPRIG_W);
      }
      v8f n0 = splat8(0), n1 = n0, n2 = n0, n3 = n0;
      for (; b < vec_end; b += 8) {
        const v8f d = load8(dyr + b);
        n0 += d * load8(x0 + b); n1 += d * load8(x1 + b);
        n2 += d * load8(x2 + b); n3 += d * load8(x3 + b);
      }
      const v4f s = hsum4w(a0 + c0, a1 + c1, a2 + c2, a3 + c3) + hsum4_8(n0, n1, n2, n3);
      float s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
      for (; b < batch; b++) {
        s0 += dyr[b] * x0[b]; s1 += dyr[b] * x1[b];
        s2 += dyr[b] * x2[b]; s3 += dyr[b] * x3[b];
      }
      gradient[k] = gradient_base(store, gradient, k) + s0;
      gradient[k + 1] = gradient_base(store, gradient, k + 1) + s1;
      gradient[k + 2] = gradient_base(store, gradient, k + 2) + s2;
      gradient[k + 3] = gradient_base(store, gradient, k + 3) + s3;
    }
    for (; k < k1; k++) {
      const float *x0 = x + (int64_t)col_idx[k] * ldx;
      v8f a0 = splat8(0);
      int64_t b = 0;
      for (; b < vec_end; b += 8) a0 += load8(dyr + b) * load8(x0 + b);
      float s0 = hsum8(a0);
      for (; b < batch; b++) s0 += dyr[b] * x0[b];
      gradient[k] = gradient_base(store, gradient, k) + s0;
    }
  }
}


// The backward through Wᵀ's pattern in one pass. For input j (a row of Wᵀ)
// and each connection k from j to output i_k:
//   dX[j, :] += w[vi[k]] · dY[i_k, :]     and     G[vi[k]] = dot(dY[i_k, :], X[j, :]).
// Both read the same random row dY[i_k, :], so one pass streams half the
// rows that a separate backward and SDDMM would; X[j, :] and the dX
// accumulators stay in registers. `first` is 0 for the batch tiles after
// the first, whose dot products add to G.
static inline __attribute__((always_inline)) void SPRIG_NAME(backward_tile_)(
    const int32_t *col_idx, const int32_t *value_index, const float *values, int32_t k0, int32_t k1,
    const float *dy, int64_t lddy, const float *xr, float *dxr, float *gradient,
    const sprig_gradient_store *store, int first, const int tile) {
  vecw xv[SPRIG_BTILE / SPRIG_W], acc[SPRIG_BTILE / SPRIG_W];
  for (int t = 0; t < tile / SPRIG_W; t++) {
    xv[t] = loadw(xr + SPRIG_W * t);
    acc[t] = splatw(0);
  }
  int32_t k = k0;
  // Four connections at a time: four independent dot-product chains, and
  // one shuffle tree sums them.
  for (; k + 4 <= k1; k += 4) {
    if (prefetch_distance > 0) {
      for (int j = 0; j < 4 && k + prefetch_distance + j < k1; j++) {
        const char *next = (const char *)(dy + (int64_t)col_idx[k + prefetch_distance + j] * lddy);
        for (int line = 0; line < tile * 4; line += 64) __builtin_prefetch(next + line);
      }
    }
    const float *d[4];
    int32_t p[4];
    float w[4];
    vecw s[4];
    for (int j = 0; j < 4; j++) {
      d[j] = dy + (int64_t)col_idx[k + j] * lddy;
      p[j] = value_index[k + j];
      w[j] = values[p[j]];
      s[j] = splatw(0);
    }
    for (int t = 0; t < tile / SPRIG_W; t++) {
      for (int j = 0; j < 4; j++) {
        const vecw e = loadw(d[j] + SPRIG_W * t);
        acc[t] += w[j] * e;
        s[j] += e * xv[t];
      }
    }
    const v4f g = hsum4w(s[0], s[1], s[2], s[3]);
    for (int j = 0; j < 4; j++) gradient[p[j]] = (first ? gradient_base(store, gradient, p[j]) : gradient[p[j]]) + g[j];
  }
  for (; k < k1; k++) {
    const float *d0 = dy + (int64_t)col_idx[k] * lddy;
    const int32_t p0 = value_index[k];
    const float w0 = values[p0];
    vecw s0 = splatw(0);
    for (int t = 0; t < tile / SPRIG_W; t++) {
      const vecw e = loadw(d0 + SPRIG_W * t);
      acc[t] += w0 * e;
      s0 += e * xv[t];
    }
    const vecw z = splatw(0);
    gradient[p0] = (first ? gradient_base(store, gradient, p0) : gradient[p0]) + hsum4w(s0, z, z, z)[0];
  }
  for (int t = 0; t < tile / SPRIG_W; t++) storew(dxr + SPRIG_W * t, acc[t]);
}

#define SPRIG_BACKWARD_TILE(width)                                                                   \
  do {                                                                                               \
    SPRIG_NAME(backward_tile_)(col_idx, value_index, values, k0, k1, dy + b, lddy, xr + b, dxr + b, \
                               gradient, store, first, width);                                       \
    b += width;                                                                                      \
    first = 0;                                                                                       \
  } while (0)

static void SPRIG_NAME(backward_rows_)(const int32_t *row_ptr, const int32_t *col_idx,
                                       const int32_t *value_index, const float *values,
                                       const float *dy, int64_t lddy, const float *x, int64_t ldx,
                                       float *dx, int64_t lddx, float *gradient,
                                       const sprig_gradient_store *store, int64_t batch,
                                       int64_t row_begin, int64_t row_end) {
  for (int64_t r = row_begin; r < row_end; r++) {
    const int32_t k0 = row_ptr[r], k1 = row_ptr[r + 1];
    const float *xr = x + r * ldx;
    float *dxr = dx + r * lddx;
    int64_t b = 0;
    int first = 1;
    while (b + SPRIG_BTILE <= batch) SPRIG_BACKWARD_TILE(SPRIG_BTILE);
    // Narrower vector tiles for the rest of a batch that is not a multiple of the tile.
    if (SPRIG_BTILE > 64 && b + 64 <= batch) SPRIG_BACKWARD_TILE(64);
    if (SPRIG_BTILE > 32 && b + 32 <= batch) SPRIG_BACKWARD_TILE(32);
    if (SPRIG_BTILE > 16 && 16 >= SPRIG_W && b + 16 <= batch) SPRIG_BACKWARD_TILE(16);
    if (SPRIG_BTILE > 8 && 8 >= SPRIG_W && b + 8 <= batch) SPRIG_BACKWARD_TILE(8);
    if (b == batch) continue;
    for (int64_t c = b; c < batch; c++) dxr[c] = 0;
    for (int32_t k = k0; k < k1; k++) {
      const float *d0 = dy + (int64_t)col_idx[k] * lddy;
      const int32_t p0 = value_index[k];
      const float w0 = values[p0];
      float s = 0;
      for (int64_t c = b; c < batch; c++) {
        dxr[c] += w0 * d0[c];
        s += d0[c] * xr[c];
      }
      gradient[p0] = (first ? gradient_base(store, gradient, p0) : gradient[p0]) + s;
    }
  }
}

// Σ x[0..<n], read as the kernels read their operands (full-width loads,
// eight accumulators): the benchmark's ceiling for how fast an operand of
// that size streams in, so a kernel's GFLOP/s can be read against it.
static float SPRIG_NAME(stream_sum_)(const float *x, int64_t n) {
  vecw a[8];
  for (int t = 0; t < 8; t++) a[t] = splatw(0);
  int64_t k = 0;
  for (; k + 8 * SPRIG_W <= n; k += 8 * SPRIG_W)
    for (int t = 0; t < 8; t++) a[t] += loadw(x + k + SPRIG_W * t);
  const v4f s = hsum4w(a[0] + a[1], a[2] + a[3], a[4] + a[5], a[6] + a[7]);
  float total = (s[0] + s[1]) + (s[2] + s[3]);
  for (; k < n; k++) total += x[k];
  return total;
}

#undef SPRIG_BACKWARD_TILE
#undef SPRIG_NAME
#undef SPRIG_CAT
#undef SPRIG_CAT2
