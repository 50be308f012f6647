// Pixel embedding: 8-bit pixels to Colours * PerColour 2-bit channels through one 256-entry table
// per colour (each entry holds the PerColour 2-bit levels of that pixel value). Output lane
// colour * PerColour + j carries level j of the colour's entry; lanes above are zero. The
// thermometer encoding of ERN and a learned lookup table are the same hardware.
// One pixel per cycle; outputs one cycle after the pixel (the table read).
`include "ern_assert.svh"

module ern_pixel_embed #(
  parameter int Colours   = 3,
  parameter int PerColour = 10,
  parameter int Lanes     = 64,
  localparam int EntryW  = 2 * PerColour,
  localparam int ColourW = (Colours > 1) ? $clog2(Colours) : 1
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic                  tbl_we_i,
  input  logic [ColourW-1:0]    tbl_colour_i,
  input  logic [7:0]            tbl_value_i,
  input  logic [EntryW-1:0]     tbl_wdata_i,
  input  logic                  pix_valid_i,
  input  logic [8*Colours-1:0]  pix_i,
  output logic                  valid_o,
  output logic [Lanes-1:0]      act0_o,
  output logic [Lanes-1:0]      act1_o
);
  `ERN_ELAB_CHECK(g_too_many_channels, Colours * PerColour <= Lanes, "ern_pixel_embed: more channels than lanes")
  `ERN_ELAB_CHECK(g_bad_colours, Colours >= 1 && PerColour >= 1, "ern_pixel_embed: Colours and PerColour must be at least 1")

  logic [EntryW-1:0] level [Colours];
  for (genvar c = 0; c < Colours; c++) begin : g_table
    ern_ram #(
      .Width(EntryW),
      .Depth(256)
    ) u_table (
      .clk_i,
      .we_i   (tbl_we_i && tbl_colour_i == ColourW'(c)),
      .waddr_i(tbl_value_i),
      .wmask_i(1'b1),
      .wdata_i(tbl_wdata_i),
      .re_i   (pix_valid_i),
      .raddr_i(pix_i[8*c +: 8]),
      .rdata_o(level[c])
    );
  end

  logic valid_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) valid_q <= 1'b0;
    else         valid_q <= pix_valid_i;
  end

  always_comb begin
    act0_o = '0;
    act1_o = '0;
    for (int c = 0; c < Colours; c++) begin
      for (int j = 0; j < PerColour; j++) begin
        act0_o[c*PerColour + j] = level[c][2*j];
        act1_o[c*PerColour + j] = level[c][2*j + 1];
      end
    end
  end

  assign valid_o = valid_q;
endmodule
