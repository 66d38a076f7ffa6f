import QtQuick

Text {
    width: parent ? parent.width : implicitWidth
    color: theme.c.text
    font.pixelSize: units.title_px
    font.bold: true
    wrapMode: Text.WordWrap
}
