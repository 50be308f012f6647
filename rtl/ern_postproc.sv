// Post-processing of the PeOut x PePix accumulators of one pixel group: the integer residual
// stream add, the 3-threshold 2-bit quantizer (increasing, decreasing or constant mode), and the
// stream value with a check that it fits the configured stream width. Two pipeline stages.
//
// Lane l = o * PePix + p (output channel o, pixel p). Channel o's threshold entry is
// thr_i[o*ThrEntryW +: ThrEntryW] = {t2, t1, t0, mode}; in constant mode the level is t0[1:0].
//
// Widths: v = acc + residual needs ValueW = max(AccW, StreamW) + 1 bits. Thresholds have one
// bit more, so a threshold beyond every possible v (+/- 2^(ValueW-1)) is representable: the
// quantizer never needs to clamp or wrap. The formulas: rtl/ern_hw_spec.json.
`include "ern_assert.svh"
`include "ern_widths.svh"

module ern_postproc #(
  parameter int PeOut   = 8,
  parameter int PePix   = 2,
  parameter int AccW    = 17,
  parameter int StreamW = 16,
  localparam int Lanes     = PeOut * PePix,
  localparam int ValueW    = `ERN_VALUE_W(AccW, StreamW),
  localparam int ThrW      = `ERN_THR_W(ValueW),
  localparam int ThrEntryW = `ERN_THR_ENTRY_W(ThrW)
) (
  input  logic                       clk_i,
  input  logic                       rst_ni,
  input  logic                       valid_i,
  input  logic                       add_residual_i,
  input  logic [Lanes*AccW-1:0]      acc_i,
  input  logic [Lanes*StreamW-1:0]   residual_i,
  input  logic [PeOut*ThrEntryW-1:0] thr_i,
  output logic                       valid_o,
  output logic [Lanes*2-1:0]         q_o,         // lane l at [2l +: 2]
  output logic [Lanes*StreamW-1:0]   stream_o,    // lane l at [l*StreamW +: StreamW]
  output logic [Lanes-1:0]           overflow_o   // the lane's v does not fit StreamW
);
  `ERN_ELAB_CHECK(g_bad_shape, PeOut >= 1 && PePix >= 1, "ern_postproc: PeOut and PePix must be at least 1")
  `ERN_ELAB_CHECK(g_bad_widths, AccW >= 2 && StreamW >= 2 && StreamW <= 31, "ern_postproc: AccW must be at least 2, StreamW 2..31")

  // Stage A: v = acc + residual.
  logic signed [ValueW-1:0] v_q [Lanes], v_d [Lanes];
  logic [PeOut*ThrEntryW-1:0] thr_q;
  logic valid_a_q;

  always_comb begin
    for (int l = 0; l < Lanes; l++) begin
      v_d[l] = ValueW'($signed(acc_i[l*AccW +: AccW])) +
               (add_residual_i ? ValueW'($signed(residual_i[l*StreamW +: StreamW])) : '0);
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) valid_a_q <= 1'b0;
    else         valid_a_q <= valid_i;
  end

  always_ff @(posedge clk_i) begin
    if (valid_i) begin
      thr_q <= thr_i;
      for (int l = 0; l < Lanes; l++) v_q[l] <= v_d[l];  // per element: Icarus and Yosys copy no whole arrays
    end
  end

  // Stage B: quantize, and narrow to the stream width.
  logic [Lanes*2-1:0]       q_q, q_d;
  logic [Lanes*StreamW-1:0] stream_q, stream_d;
  logic [Lanes-1:0]         overflow_q, overflow_d;
  logic                     valid_b_q;

  always_comb begin
    for (int l = 0; l < Lanes; l++) begin
      logic [ThrEntryW-1:0] entry;
      logic signed [ThrW-1:0] v, t0, t1, t2;
      entry = thr_q[(l / PePix)*ThrEntryW +: ThrEntryW];
      v  = ThrW'(v_q[l]);
      t0 = $signed(entry[2 +: ThrW]);
      t1 = $signed(entry[2 + ThrW +: ThrW]);
      t2 = $signed(entry[2 + 2*ThrW +: ThrW]);
      case (entry[1:0])
        ern_pkg::ThrModeIncreasing: q_d[2*l +: 2] = 2'(v >= t0) + 2'(v >= t1) + 2'(v >= t2);
        ern_pkg::ThrModeDecreasing: q_d[2*l +: 2] = 2'(v <= t0) + 2'(v <= t1) + 2'(v <= t2);
        default:                    q_d[2*l +: 2] = t0[1:0];  // ThrModeConstant
      endcase
      stream_d[l*StreamW +: StreamW] = v_q[l][StreamW-1:0];
      // Fits when every bit above the stream's sign bit equals it.
      overflow_d[l] = (v_q[l][ValueW-1:StreamW-1] != {(ValueW-StreamW+1){v_q[l][StreamW-1]}});
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) valid_b_q <= 1'b0;
    else         valid_b_q <= valid_a_q;
  end

  always_ff @(posedge clk_i) begin
    if (valid_a_q) begin
      q_q        <= q_d;
      stream_q   <= stream_d;
      overflow_q <= overflow_d;
    end
  end

  assign valid_o    = valid_b_q;
  assign q_o        = q_q;
  assign stream_o   = stream_q;
  assign overflow_o = overflow_q;
endmodule
