// One processing element: a 64-lane binary-weight x 2-bit-activation dot-product step per cycle,
// accumulated over the taps and input blocks of one output pixel and channel.
//
//   step = sum over bit planes b of 2^b * (2 * popcount(q_b & w) - popcount(q_b))
//        = 2 * (popcount(q0 & w) + 2 * popcount(q1 & w)) - ones
//
// AND, popcount, shift and add only: no multiplier. `ones` (popcount(q0) + 2 * popcount(q1)) does
// not depend on the weights, so the PE array computes it once per pixel and shares it.
//
// Two stages: the popcounts are registered (stage 1), then added into the accumulator (stage 2).
// `ones_i` belongs to stage 2: it must arrive one cycle after the operands of its step.
`include "ern_assert.svh"

module ern_pe #(
  parameter int Lanes = 64,
  parameter int AccW  = 17,
  localparam int PosW = $clog2(3 * Lanes + 1)
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   step_i,    // operands valid: accumulate one step
  input  logic                   first_i,   // the step starts a new sum
  input  logic [Lanes-1:0]       act0_i,    // activation bit plane 0 (value bit 0)
  input  logic [Lanes-1:0]       act1_i,    // activation bit plane 1 (value bit 1)
  input  logic [Lanes-1:0]       weight_i,  // weight signs, 1 for +1
  input  logic [PosW-1:0]        ones_i,    // stage 2: popcount(q0) + 2 * popcount(q1)
  output logic signed [AccW-1:0] acc_o
);
  // One step is at most 3 * Lanes in magnitude.
  `ERN_ELAB_CHECK(g_bad_lanes, Lanes >= 1, "ern_pe: Lanes must be at least 1")
  `ERN_ELAB_CHECK(g_acc_too_narrow, AccW >= PosW + 1, "ern_pe: AccW cannot hold one step")
  logic [PosW-1:0] pos_q;
  logic            step_q, first_q;
  logic signed [AccW-1:0] acc_q, acc_d;

  // Stage 1: AND and popcount on both bit planes.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      pos_q   <= '0;
      step_q  <= 1'b0;
      first_q <= 1'b0;
    end else begin
      pos_q   <= PosW'($countones(act0_i & weight_i)) + (PosW'($countones(act1_i & weight_i)) << 1);
      step_q  <= step_i;
      first_q <= first_i;
    end
  end

  // Stage 2: shift and add.
  always_comb begin
    acc_d = acc_q;
    if (step_q) begin
      acc_d = (first_q ? '0 : acc_q) + AccW'($signed({1'b0, pos_q, 1'b0})) - AccW'($signed({1'b0, ones_i}));
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) acc_q <= '0;
    else         acc_q <= acc_d;
  end

  assign acc_o = acc_q;
endmodule
