import QtQuick

// "▼ Còn nữa": shown at the bottom of a list or screen that has more below.
Rectangle {
    id: more
    property Flickable flick
    objectName: "scrollHint"
    visible: flick !== null && flick.contentHeight > flick.height + 1 && !flick.atYEnd
    anchors.bottom: flick ? flick.bottom : undefined
    anchors.horizontalCenter: flick ? flick.horizontalCenter : undefined
    width: hint.implicitWidth + units.mm(10)
    height: hint.implicitHeight + units.mm(4)
    radius: height / 2
    color: theme.c.surface
    border.color: theme.c.border
    border.width: units.mm(0.5)
    Body {
        id: hint
        anchors.centerIn: parent
        width: implicitWidth
        font.bold: true
        text: i18n.t.scroll_more
    }
}
