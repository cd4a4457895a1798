// SprigKernels: the hot loops of a sparse layer over CSR arrays.
//
// Activations are feature-major: a matrix of n_features x batch floats whose
// rows are `ld` floats apart, so every connection touches one contiguous row
// of the batch. Each kernel works on a half-open range of CSR rows, so the
// caller can split the rows into chunks and run them on several threads.
//
// The instruction set is chosen once at run time (AVX-512, AVX2+FMA or a
// portable fallback); sprig_kernels_force_isa() overrides it for tests.
#ifndef SPRIG_KERNELS_H
#define SPRIG_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction sets the kernels are compiled for.
typedef enum {
  SPRIG_ISA_GENERIC = 0,
  SPRIG_ISA_AVX2 = 1,
  SPRIG_ISA_AVX512 = 2,
} sprig_isa;

/// The best instruction set this CPU supports.
sprig_isa sprig_kernels_detected_isa(void);
/// The instruction set the kernels use now.
sprig_isa sprig_kernels_active_isa(void);
/// Forces an instruction set (clamped to what the CPU supports); returns the one in force.
sprig_isa sprig_kernels_force_isa(sprig_isa isa);

/// Experiment knobs, for measuring a kernel choice again (sprig-bench): the
/// connections ahead whose gathered rows are prefetched (default 4), the
/// SDDMM's register-held slices of dY (1 on, 0 off; default on) and the
/// forward's four-connection sums (1 on, 0 off; default -1, each variant's
/// own: on for AVX2 and portable, off for AVX-512). A negative argument
/// restores that knob's default. Set them between kernel calls, not during.
void sprig_kernels_set_tuning(int prefetch_distance, int sddmm_slices, int spmm_quads);

/// What sprig_spmm_rows does to each output row once it is finished, while
/// the row is still in L1: as separate passes these would read and write the
/// whole output from L2 or L3 again. Zero-initialised, it does nothing. The
/// steps run in this order: ReLU, ReLU mask, SReLU forward then dropout
/// (forward), dropout then SReLU backward (backward), row sums.
typedef struct {
  /// Forward, non-zero: a ReLU on Y's row, in place.
  int rectify;
  /// Backward through a ReLU before the layer: not NULL, shaped like Y
  /// (leading dimension `ldy`), keeps Y[r, c] where relu_output[r, c] > 0
  /// and zeroes it elsewhere.
  const float *relu_output;
  /// Dropout, when `dropout_kept` is not NULL (shaped like Y): in the
  /// forward, on `activated`, as sprig_dropout with element (r, c) being its
  /// element r·ldy + c (the same seed, the same decisions), writing the
  /// decisions to dropout_kept; in the backward, before the SReLU's, as
  /// sprig_dropout_backward from those decisions.
  uint64_t dropout_seed;
  uint32_t keep_threshold;
  float dropout_scale;
  uint8_t *dropout_kept;
  /// SReLU's parameters per row (tˡ, aˡ, tʳ, aʳ), for the next two fields.
  const float *left_threshold, *left_slope, *right_threshold, *right_slope;
  /// Forward through an SReLU (and dropout) after the layer: not NULL,
  /// shaped like Y, receives SReLU(Y[r, :]), dropped out; Y keeps the
  /// pre-activation, which the SReLU's backward needs.
  float *activated;
  /// Backward through an SReLU before the layer (after the dropout above):
  /// not NULL, the SReLU's input (shaped like Y); Y's row becomes the SReLU's
  /// input gradient and srelu_sums[4r..4r+3] its four sums, both as
  /// sprig_srelu_backward_rows.
  const float *srelu_input;
  float *srelu_sums;
  /// Not NULL: each finished row's sum (the preceding layer's bias
  /// gradient), summed as sprig_row_sums does.
  float *row_sums;
} sprig_epilogue;

/// One block of W's columns, for layers whose gathered operand (X in the
/// forward and the SDDMM, dY in the backward) is too large for the cache:
/// the caller runs a kernel over every row for one block before it starts
/// the next, so the block's rows of the operand are read from L3, not DRAM.
/// Row r's connections in the block are those from cursor[r] (row_ptr[r]
/// in the first block, which sets the cursor) while their column is below
/// `column_end`; the kernel moves cursor[r] past them. Every connection is taken exactly once
/// whatever the column order within a row, as the last block's end is the
/// column count; sorted rows give each block only its own columns.
///
/// With a block, the kernels add a row's connections one at a time, so the
/// results are the same bits however the columns are split; a block whose
/// cursor is NULL is the whole row, unsplit, in that same arithmetic.
typedef struct {
  int32_t *cursor;
  int64_t column_end;
  /// sprig_spmm_rows: the first block starts Y from the bias, later ones
  /// add to Y; the epilogue runs in the last block only.
  int first, last;
} sprig_column_block;

/// Y[r, :] = bias[r] + sum_k W[r, k] * X[k, :] for rows r in [row_begin, row_end),
/// then `epilogue` (may be NULL) on each row.
///
/// `value_index`, when not NULL, maps each stored entry to its position in
/// `values` (used for the transposed pattern, which shares W's values).
/// `bias` may be NULL (then Y starts from zero). `block`, when not NULL,
/// restricts the call to one block of columns (see sprig_column_block).
void sprig_spmm_rows(const int32_t *row_ptr, const int32_t *col_idx,
                     const int32_t *value_index, const float *values,
                     const float *bias, const float *x, int64_t ldx,
                     float *y, int64_t ldy, int64_t batch,
                     int64_t row_begin, int64_t row_end, const sprig_epilogue *epilogue,
                     const sprig_column_block *block);

/// How a weight-gradient kernel stores the dot product g of entry k into
/// out[k]. A NULL store, or one with NULL weights, writes out[k] = g.
typedef struct {
  /// Not NULL: SGD's momentum update folded into the kernel, with out the
  /// velocity: out[k] = momentum·out[k] + decay·weights[k] + g.
  const float *weights;
  float momentum;
  float decay;
} sprig_gradient_store;

/// G[k] = dot(DY[r, :], X[col_idx[k], :]) for every stored entry k of rows
/// r in [row_begin, row_end), stored as `store` says: the weight gradient
/// sampled on W's pattern; `block`, when not NULL, only the connections of
/// one block of columns (see sprig_column_block).
void sprig_sddmm_rows(const int32_t *row_ptr, const int32_t *col_idx,
                      const float *dy, int64_t lddy, const float *x,
                      int64_t ldx, float *gradient, const sprig_gradient_store *store, int64_t batch,
                      int64_t row_begin, int64_t row_end, const sprig_column_block *block);

/// The backward of Y = W·X in one pass over Wᵀ's pattern (`row_ptr`,
/// `col_idx` of Wᵀ; `value_index` maps each entry to its position in W's
/// `values` and `gradient`): for rows j in [row_begin, row_end),
/// dX[j, :] = sum_k W[i_k, j] * DY[i_k, :] and G[value_index[k]] =
/// dot(DY[i_k, :], X[j, :]) for each entry k = (j, i_k), G stored as
/// `store` says.
void sprig_backward_rows(const int32_t *row_ptr, const int32_t *col_idx,
                         const int32_t *value_index, const float *values,
                         const float *dy, int64_t lddy, const float *x, int64_t ldx,
                         float *dx, int64_t lddx, float *gradient, const sprig_gradient_store *store,
                         int64_t batch, int64_t row_begin, int64_t row_end);

/// MARK: bfloat16 activations
///
/// The same kernels over activations and gradients stored as bfloat16 (a
/// float's upper 16 bits), accumulating in FP32 with FP32 weights: half the
/// bytes gathered per connection. With AVX-512 the dot products of the
/// SDDMM run on vdpbf16ps where the CPU has AVX-512 BF16 (which treats
/// subnormal inputs as zero); elsewhere the values are widened to FP32.

/// Whether the bf16 kernels use AVX-512 BF16's dot products now.
int sprig_kernels_bf16_dot(void);
/// Allows or forbids those dot products (where the CPU has them); returns
/// sprig_kernels_bf16_dot() after the change.
int sprig_kernels_allow_bf16_dot(int allow);

/// sprig_spmm_rows with X in bfloat16 (Y, bias, weights FP32).
void sprig_spmm_bf16_rows(const int32_t *row_ptr, const int32_t *col_idx, const int32_t *value_index,
                          const float *values, const float *bias, const uint16_t *x, int64_t ldx, float *y,
                          int64_t ldy, int64_t batch, int64_t row_begin, int64_t row_end,
                          const sprig_epilogue *epilogue, const sprig_column_block *block);

/// sprig_sddmm_rows with dY and X in bfloat16.
void sprig_sddmm_bf16_rows(const int32_t *row_ptr, const int32_t *col_idx, const uint16_t *dy, int64_t lddy,
                           const uint16_t *x, int64_t ldx, float *gradient, const sprig_gradient_store *store,
                           int64_t batch, int64_t row_begin, int64_t row_end, const sprig_column_block *block);

/// y[i] = x[i] rounded to bfloat16 (to nearest, ties to even; NaN stays NaN).
void sprig_bf16_round(const float *x, uint16_t *y, int64_t n);
/// y[i] = the float of bfloat16 x[i] (exact).
void sprig_bf16_widen(const uint16_t *x, float *y, int64_t n);

/// One input pixel's row (n samples) of a max-pooling window: y and winner
/// start from x (first) or take x where it is strictly larger; winner[j] is
/// index + j for the rows this pixel wins.
void sprig_max_pool_row(const float *x, float *y, int32_t *winner, int32_t index, int64_t n, int first);

/// MARK: Recurrent gates (Gates.c)

/// σ(x) and tanh(x) as the gate kernels compute them (for tests).
float sprig_gate_logistic(float x);
float sprig_gate_tanh(float x);
/// An LSTM step's gates over n = H·B units: a = [i; f; o; g] pre-activations
/// (4n) in, activated gates out; state = [h; c] (2n) of the previous step;
/// writes c_{t-1}, tanh c_t and next = [h_t; c_t].
void sprig_lstm_gates_forward(float *a, const float *state, float *previous_cell, float *cell_tanh, float *next,
                              int64_t n);
/// A GRU step's gates: a = input products (3n) in, [r; u; n] out; p = hidden
/// products (3n); next[k] = (1 − u)·n + u·previous[k].
void sprig_gru_gates_forward(float *a, const float *p, const float *previous, float *next, int64_t n);

/// A task of a parallel loop: `index` in [0, count).
typedef void (*sprig_task_fn)(void *context, int64_t index);

/// Runs fn(context, i) for every i in [0, count) on up to `threads` threads,
/// the caller's included, and returns when all are done. Workers spin
/// briefly between loops (sprig_parallel_set_spin_microseconds, default
/// 200) so that the many short kernels of a training step do not each pay a
/// thread wake-up. A loop started while another runs runs on its caller alone.
void sprig_parallel_for(int64_t count, int threads, sprig_task_fn fn, void *context);

/// How long an idle worker spins before it sleeps, in microseconds (an
/// experiment knob; negative restores the default, 200). Workers waiting
/// now keep the time they started with.
void sprig_parallel_set_spin_microseconds(int64_t microseconds);
/// The spin time in force, in microseconds.
int64_t sprig_parallel_spin_microseconds(void);

/// out[r] = sum_b DY[r, b] for rows r in [row_begin, row_end): the bias gradient.
void sprig_row_sums(const float *dy, int64_t lddy, float *out, int64_t batch,
                    int64_t row_begin, int64_t row_end);

/// SReLU's backward over `rows` units of `batch` samples (row-major, unit
/// after unit): dx = slope(x)·dy when `dx` is not null, and per unit i the
/// sums[4i..4i+3] = (Σ dy, Σ dy·x) over x ≥ tʳ, then (Σ dy, Σ dy·x) over
/// x ≤ tˡ (x < tʳ), from which the parameter gradients follow.
void sprig_srelu_backward_rows(const float *x, const float *dy, float *dx, int64_t batch, int64_t rows,
                               const float *left_threshold, const float *left_slope,
                               const float *right_threshold, const float *right_slope, float *sums);

/// Inverted dropout over n values: y[i] = x[i]·scale when element i is
/// kept (probability keep_threshold / 2^24), else 0, and kept[i] = 1 or 0.
/// The decisions are a pure function of `seed` and i.
void sprig_dropout(const float *x, float *y, uint8_t *kept, int64_t n, uint64_t seed, uint32_t keep_threshold,
                   float scale);

/// Dropout's backward from the forward's decisions: dx[i] = dy[i]·scale
/// where kept[i], else 0.
void sprig_dropout_backward(const float *dy, float *dx, const uint8_t *kept, int64_t n, float scale);

/// SReLU's forward over `rows` units of `batch` samples (unit after unit).
void sprig_srelu_forward_rows(const float *x, float *y, int64_t batch, int64_t rows,
                              const float *left_threshold, const float *left_slope,
                              const float *right_threshold, const float *right_slope);

/// The rectifier over n values: y = x where x > 0, else 0 (NaN gives 0, as
/// the comparison is false).
void sprig_relu_forward(const float *x, float *y, int64_t n);

/// The rectifier's backward over n values: dx = dy where x > 0, else 0.
void sprig_relu_backward(const float *x, const float *dy, float *dx, int64_t n);

/// dst[k·n + j] = src[indices[j]·features + k]: the samples at `indices`
/// of a sample-major array, written feature-major (a batch).
void sprig_gather_columns(const float *src, int64_t features, const int64_t *indices, int64_t n, float *dst);

/// A dense layer with few outputs, feature-major (narrow_body.h): W is
/// m × k row-major, X k × batch, Y and dY m × batch (rows `batch` apart).
/// Y[:, b] = bias + W·X[:, b] for batch columns b in [b_begin, b_end)
/// (`bias` may be NULL).
void sprig_narrow_forward(const float *w, int64_t m, int64_t k, const float *bias, const float *x, float *y,
                          int64_t batch, int64_t b_begin, int64_t b_end);
/// dX[j, :] = Σ_r W[r, j]·dY[r, :] for inputs j in [j_begin, j_end), then
/// `epilogue` (may be NULL) on each row, as sprig_spmm_rows does.
void sprig_narrow_input_gradient(const float *w, int64_t m, int64_t k, const float *dy, float *dx, int64_t batch,
                                 int64_t j_begin, int64_t j_end, const sprig_epilogue *epilogue);
/// dW[r, j] = Σ_b dY[r, b]·X[j, b] for inputs j in [j_begin, j_end), every r.
void sprig_narrow_weight_gradient(const float *dy, int64_t m, int64_t k, const float *x, float *dw, int64_t batch,
                                  int64_t j_begin, int64_t j_end);

/// Σ x[0..<n] with the kernels' loads: how fast an operand streams in
/// (sprig-bench kernels' read ceiling).
float sprig_stream_sum(const float *x, int64_t n);

#ifdef __cplusplus
}
#endif

#endif
