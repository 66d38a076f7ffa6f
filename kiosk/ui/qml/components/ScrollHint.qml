import QtQuick

// "▼ Còn nữa": shown at the bottom of a list or screen that has more below.
Rectangle {
    id: more
    property Flickable flick
    objectName: "scrollHint"
    visible: flick !== null && flick.contentHeight > flick.height + 1 && !flick.atYEnd
    anchors.bottom: flick ? flick.bottom : undefined
    anchors.horizontalCenter: flick ? flick.horizontalCenter : undefined
    // never wider than the view it speaks for (a narrow column wraps it onto two lines)
    width: Math.min(hint.implicitWidth + units.mm(10), flick ? flick.width : Infinity)
    height: hint.implicitHeight + units.mm(4)
    radius: height / 2
    color: theme.c.surface
    border.color: theme.c.border
    border.width: units.mm(0.5)
    Body {
        id: hint
        anchors.centerIn: parent
        width: more.width - units.mm(10)
        horizontalAlignment: Text.AlignHCenter
        font.bold: true
        text: i18n.t.scroll_more
    }
}
