package app

import (
	"image"
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// bigText draws short words in large type (the countdown's digit, GO!)
// from the bold bitmap face without its blocks: each glyph is enlarged
// once on the CPU by contouring its bilinearly interpolated mask (the
// edge is where the interpolated coverage crosses one half, softened over
// a pixel), which rounds the staircases into slopes and curves; it is then
// drawn scaled down to size with linear filtering. Whole-pixel scaling of
// the 8x16 face, as small text uses, would show its pixels at this size.
type bigText struct {
	face  *basicfont.Face
	cache map[rune]*ebiten.Image
}

// bigZoom is how much a glyph is enlarged on the CPU: a digit is then
// 128x256 pixels, as large as the countdown draws it on 1080 lines.
const bigZoom = 16

var big *bigText

func loadBigText() {
	if big == nil {
		big = &bigText{face: bold.face, cache: map[rune]*ebiten.Image{}}
	}
}

// glyph returns r enlarged bigZoom times, white on transparent.
func (b *bigText) glyph(r rune) *ebiten.Image {
	if img, ok := b.cache[r]; ok {
		return img
	}
	img := ebiten.NewImageFromImage(smoothGlyph(b.face, r, bigZoom))
	b.cache[r] = img
	return img
}

// smoothGlyph enlarges the glyph of r in face zoom times with smooth edges.
func smoothGlyph(face *basicfont.Face, r rune, zoom int) *image.RGBA {
	_, _, mp, _, ok := face.Glyph(fixed.Point26_6{}, r)
	if !ok {
		_, _, mp, _, _ = face.Glyph(fixed.Point26_6{}, '?')
	}
	mask := face.Mask.(*image.Alpha)
	gw, gh := face.Width, face.Ascent+face.Descent
	at := func(x, y int) float64 { // coverage, 0 outside the glyph
		if x < 0 || y < 0 || x >= gw || y >= gh {
			return 0
		}
		return float64(mask.AlphaAt(x, mp.Y+y).A) / 255
	}
	out := image.NewRGBA(image.Rect(0, 0, gw*zoom, gh*zoom))
	soft := 1.0 / float64(zoom) // the edge's width, in source pixels
	for y := range gh * zoom {
		for x := range gw * zoom {
			// The source position of this pixel's centre.
			sx, sy := (float64(x)+0.5)/float64(zoom)-0.5, (float64(y)+0.5)/float64(zoom)-0.5
			x0, y0 := int(math.Floor(sx)), int(math.Floor(sy))
			fx, fy := sx-float64(x0), sy-float64(y0)
			v := (at(x0, y0)*(1-fx)+at(x0+1, y0)*fx)*(1-fy) + (at(x0, y0+1)*(1-fx)+at(x0+1, y0+1)*fx)*fy
			a := math.Max(0, math.Min(1, (v-0.5)/(2*soft)+0.5))
			c := uint8(math.Round(255 * a))
			out.SetRGBA(x, y, color.RGBA{c, c, c, c})
		}
	}
	return out
}

// width returns the width of str drawn h pixels high.
func (b *bigText) width(str string, h float64) float64 {
	gh := float64(b.face.Ascent + b.face.Descent)
	return float64(len([]rune(str))*b.face.Advance) * h / gh
}

// draw draws str h pixels high (a line of the face, like lineHeight),
// centred on cx, top at y, in c with a neon halo like glowText's.
func (b *bigText) draw(dst *ebiten.Image, str string, cx, y, h float64, c color.RGBA) {
	gh := float64(b.face.Ascent + b.face.Descent)
	k := h / gh / bigZoom // from the enlarged glyph to the screen
	x0 := cx - b.width(str, h)/2
	var op ebiten.DrawImageOptions
	op.Filter = ebiten.FilterLinear
	put := func(dx, dy float64, col color.Color) {
		op.ColorScale.Reset()
		op.ColorScale.ScaleWithColor(col)
		for i, r := range []rune(str) {
			if r == ' ' {
				continue
			}
			op.GeoM.Reset()
			op.GeoM.Scale(k, k)
			op.GeoM.Translate(x0+float64(i*b.face.Advance+b.face.Left)*h/gh+dx, y+dy)
			dst.DrawImage(b.glyph(r), &op)
		}
	}
	halo := scaleCol(c, 1, 0.18)
	d := h / 48 // glowText's two pixels at scale s, for a line of 17s
	for _, o := range [][2]float64{{-2, 0}, {2, 0}, {0, -2}, {0, 2}, {-1, -1}, {1, 1}, {-1, 1}, {1, -1}} {
		put(o[0]*d, o[1]*d, halo)
	}
	put(0, 0, mixCol(c, colText, 0.35))
}
