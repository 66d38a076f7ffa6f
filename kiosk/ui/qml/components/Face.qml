import QtQuick

// A drawn face (no emoji font needed): mood 3 = happy, 2 = neutral, 1 = unhappy.
Canvas {
    id: face
    property int mood: 3
    property color ink: theme.c.text
    onInkChanged: requestPaint()
    onMoodChanged: requestPaint()
    onPaint: {
        var ctx = getContext("2d")
        var s = Math.min(width, height)
        var cx = width / 2, cy = height / 2, r = s / 2 - s * 0.05
        ctx.reset()
        ctx.lineWidth = s * 0.06
        ctx.strokeStyle = ink
        ctx.fillStyle = ink
        ctx.beginPath(); ctx.arc(cx, cy, r, 0, 2 * Math.PI); ctx.stroke()
        ctx.beginPath(); ctx.arc(cx - r * 0.38, cy - r * 0.25, s * 0.06, 0, 2 * Math.PI); ctx.fill()
        ctx.beginPath(); ctx.arc(cx + r * 0.38, cy - r * 0.25, s * 0.06, 0, 2 * Math.PI); ctx.fill()
        ctx.beginPath()
        if (mood === 3) {
            ctx.arc(cx, cy + r * 0.05, r * 0.5, 0.15 * Math.PI, 0.85 * Math.PI)
        } else if (mood === 2) {
            ctx.moveTo(cx - r * 0.45, cy + r * 0.4); ctx.lineTo(cx + r * 0.45, cy + r * 0.4)
        } else {
            ctx.arc(cx, cy + r * 0.75, r * 0.5, 1.15 * Math.PI, 1.85 * Math.PI)
        }
        ctx.stroke()
    }
}
