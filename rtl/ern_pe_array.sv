// PeOut output channels x PePix output pixels of PEs. Weights are broadcast along the pixels and
// activations along the channels; every PE does one 64-lane step per cycle.
//
// Accumulator width: a sum over k * k taps and MaxInBlocks blocks of 64 lanes, each term in
// [-3, 3], so |acc| <= 3 * 9 * 64 * MaxInBlocks (55,296 for 2,048 input channels, 17 bits). The
// bound is checked at elaboration.
//
// Vectors are flattened: pixel p's planes at [p*Lanes +: Lanes], channel o's weights at
// [o*Lanes +: Lanes], the accumulator of (o, p) at [(o*PePix + p)*AccW +: AccW]. The accumulators
// hold a finished sum two cycles after the step that completed it.
`include "ern_assert.svh"
`include "ern_widths.svh"

module ern_pe_array #(
  parameter int PeOut       = 8,
  parameter int PePix       = 2,
  parameter int Lanes       = ern_pkg::Lanes,
  parameter int MaxInBlocks = 32,
  parameter int AccW        = `ERN_ACC_W(MaxInBlocks),
  localparam int PosW = $clog2(3 * Lanes + 1)
) (
  input  logic                         clk_i,
  input  logic                         rst_ni,
  input  logic                         step_i,
  input  logic                         first_i,
  input  logic [PePix*Lanes-1:0]       act0_i,
  input  logic [PePix*Lanes-1:0]       act1_i,
  input  logic [PeOut*Lanes-1:0]       weight_i,
  output logic [PeOut*PePix*AccW-1:0]  acc_o
);
  localparam int MaxAbsAcc = `ERN_MAX_ABS_ACC(Lanes, MaxInBlocks);
  `ERN_ELAB_CHECK(g_acc_too_narrow, AccW >= `ERN_SIGNED_W(MaxAbsAcc), "ern_pe_array: AccW cannot hold the largest sum")
  `ERN_ELAB_CHECK(g_bad_shape, PeOut >= 1 && PePix >= 1 && Lanes >= 1 && MaxInBlocks >= 1, "ern_pe_array: PeOut, PePix, Lanes and MaxInBlocks must be at least 1")

  // The weight-independent term of each pixel, registered to meet its step in PE stage 2.
  logic [PosW-1:0] ones_q [PePix];
  for (genvar p = 0; p < PePix; p++) begin : g_ones
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) ones_q[p] <= '0;
      else ones_q[p] <= PosW'($countones(act0_i[p*Lanes +: Lanes])) +
                        (PosW'($countones(act1_i[p*Lanes +: Lanes])) << 1);
    end
  end

  for (genvar o = 0; o < PeOut; o++) begin : g_out
    for (genvar p = 0; p < PePix; p++) begin : g_pix
      ern_pe #(
        .Lanes(Lanes),
        .AccW (AccW)
      ) u_pe (
        .clk_i,
        .rst_ni,
        .step_i,
        .first_i,
        .act0_i  (act0_i[p*Lanes +: Lanes]),
        .act1_i  (act1_i[p*Lanes +: Lanes]),
        .weight_i(weight_i[o*Lanes +: Lanes]),
        .ones_i  (ones_q[p]),
        .acc_o   (acc_o[(o*PePix + p)*AccW +: AccW])
      );
    end
  end
endmodule
